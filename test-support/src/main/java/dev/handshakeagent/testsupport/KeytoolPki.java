package dev.handshakeagent.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throw-away certificates for loopback tests and benchmarks, made with the running JDK's {@code
 * keytool} (so no library and nothing secret in the repository): one RSA 2048 CA and the
 * certificates a caller declares, each signed by it or self-signed. The set is kept in a directory
 * and reused by later JVMs and builds (key generation takes seconds), and made again when it was
 * declared differently, or when any certificate that was valid when made is within {@link #MARGIN}
 * of its {@code notAfter}: a certificate therefore never expires during a build, however long a
 * workspace lives. Certificates made expired on purpose (a start date in the past) are not counted.
 *
 * <p>Files in the directory: {@code ca.p12}, {@code ca.cer} (PEM) and {@code trust.p12} (the CA
 * alone), and per certificate {@code NAME.p12} (key and chain) and {@code NAME.cer} (PEM). The
 * fixed password protects nothing.
 */
public final class KeytoolPki {
  /**
   * How close to its {@code notAfter} a certificate may get before the set is made again: one day,
   * more than any build takes, and less than the shortest validity a test declares (3 days).
   */
  public static final Duration MARGIN = Duration.ofDays(1);

  private static final String MARKER = "complete";
  private static final String CA = "ca";

  private final Path dir;
  private final char[] password;

  private KeytoolPki(Path dir, char[] password) {
    this.dir = dir;
    this.password = password;
  }

  /** A set whose CA has the distinguished name {@code caDn}. */
  public static Builder withCa(String caDn) {
    return new Builder(caDn);
  }

  /** The directory holding the set. */
  public Path dir() {
    return dir;
  }

  /** {@code NAME.p12}: the key of certificate {@code name} with its chain. */
  public Path keyStore(String name) {
    return dir.resolve(name + ".p12");
  }

  /** {@code NAME.cer}: certificate {@code name} in PEM. */
  public Path certificate(String name) {
    return dir.resolve(name + ".cer");
  }

  /** {@code trust.p12}: the CA certificate alone. */
  public Path trustStore() {
    return dir.resolve("trust.p12");
  }

  /** A PKCS#12 store of the set. */
  public KeyStore load(Path store) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    return ks;
  }

  /** The declaration of a set. */
  public static final class Builder {
    private final String caDn;
    private final List<Spec> specs = new ArrayList<>();
    private String password = "changeit";

    private Builder(String caDn) {
      this.caDn = caDn;
    }

    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * A certificate signed by the CA. {@code keyAlg} {@code RSA} (2048 bits) or {@code EC} (P-256);
     * {@code san} a keytool {@code SAN=...} extension or null; {@code startDate} a keytool start
     * date ({@code -400d}) or null for now.
     */
    public Builder signed(
        String name, String keyAlg, String dn, String san, String startDate, int validityDays) {
      specs.add(new Spec(name, keyAlg, dn, san, startDate, validityDays, true));
      return this;
    }

    /** A self-signed certificate, as {@link #signed} otherwise. */
    public Builder selfSigned(String name, String keyAlg, String dn, String san, int validityDays) {
      specs.add(new Spec(name, keyAlg, dn, san, null, validityDays, false));
      return this;
    }

    /**
     * The set in {@code dir}: reused when it is complete, declared the same and fresh, else made
     * again (from scratch, under a file lock, so JVMs sharing the directory never see half a set).
     */
    public KeytoolPki in(Path dir) throws IOException, InterruptedException {
      Path abs = dir.toAbsolutePath();
      KeytoolPki pki = new KeytoolPki(abs, password.toCharArray());
      synchronized (KeytoolPki.class) {
        Files.createDirectories(abs.getParent());
        Path lock = abs.resolveSibling(abs.getFileName() + ".lock");
        try (FileChannel channel =
                FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held = channel.lock()) {
          if (!fresh(pki)) {
            make(pki);
          }
        }
      }
      return pki;
    }

    /** What the marker records besides the time: any change of the declaration remakes the set. */
    private String declaration() {
      StringBuilder out = new StringBuilder("ca ").append(caDn).append(" pw ").append(password);
      for (Spec s : specs) {
        out.append('\n').append(s);
      }
      return out.toString();
    }

    private boolean fresh(KeytoolPki pki) throws IOException {
      Path marker = pki.dir.resolve(MARKER);
      if (!Files.isRegularFile(marker)) {
        return false;
      }
      List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
      if (lines.isEmpty()
          || !String.join("\n", lines.subList(1, lines.size())).equals(declaration())) {
        return false;
      }
      Instant made;
      try {
        made = Instant.parse(lines.get(0));
      } catch (RuntimeException e) {
        return false;
      }
      Instant limit = Instant.now().plus(MARGIN);
      List<String> names = new ArrayList<>(List.of(CA));
      specs.forEach(s -> names.add(s.name));
      for (String name : names) {
        Path cer = pki.certificate(name);
        if (!Files.isRegularFile(cer) || !Files.isRegularFile(pki.keyStore(name))) {
          return false;
        }
        Instant notAfter;
        try (InputStream in = Files.newInputStream(cer)) {
          notAfter =
              ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                  .getNotAfter()
                  .toInstant();
        } catch (GeneralSecurityException e) {
          return false;
        }
        if (notAfter.isAfter(made) && notAfter.isBefore(limit)) {
          return false; // valid when made, about to expire
        }
      }
      return true;
    }

    private void make(KeytoolPki pki) throws IOException, InterruptedException {
      Path d = pki.dir;
      Files.createDirectories(d);
      try (Stream<Path> old = Files.list(d)) {
        for (Path p : (Iterable<Path>) old::iterator) {
          Files.deleteIfExists(p); // an older, stale or half-made set
        }
      }
      Instant made = Instant.now();
      keytool(
          d,
          "-genkeypair",
          "-keystore",
          CA + ".p12",
          "-alias",
          CA,
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          caDn,
          "-validity",
          "3650",
          "-ext",
          "bc:c");
      keytool(d, "-exportcert", "-keystore", CA + ".p12", "-alias", CA, "-rfc", "-file", "ca.cer");
      keytool(
          d, "-importcert", "-keystore", "trust.p12", "-alias", CA, "-file", "ca.cer", "-noprompt");
      for (Spec s : specs) {
        s.make(d, this);
      }
      Files.writeString(
          d.resolve(MARKER), made + "\n" + declaration() + "\n", StandardCharsets.UTF_8);
    }

    private void keytool(Path d, String... args) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
      cmd.addAll(Arrays.asList(args));
      cmd.addAll(List.of("-storepass", password, "-storetype", "PKCS12"));
      Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
      }
    }
  }

  /** One declared certificate. */
  private static final class Spec {
    final String name;
    final String keyAlg;
    final String dn;
    final String san;
    final String startDate;
    final int validityDays;
    final boolean signed;

    Spec(
        String name,
        String keyAlg,
        String dn,
        String san,
        String startDate,
        int validityDays,
        boolean signed) {
      if (!keyAlg.equals("RSA") && !keyAlg.equals("EC")) {
        throw new IllegalArgumentException("key algorithm RSA or EC: " + keyAlg);
      }
      this.name = name;
      this.keyAlg = keyAlg;
      this.dn = dn;
      this.san = san;
      this.startDate = startDate;
      this.validityDays = validityDays;
      this.signed = signed;
    }

    void make(Path d, Builder b) throws IOException, InterruptedException {
      String p12 = name + ".p12";
      List<String> gen =
          new ArrayList<>(
              Arrays.asList("-genkeypair", "-keystore", p12, "-alias", "key", "-keyalg", keyAlg));
      gen.addAll(
          keyAlg.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
      gen.addAll(List.of("-dname", dn, "-validity", String.valueOf(validityDays)));
      if (!signed) {
        if (san != null) {
          gen.addAll(List.of("-ext", san));
        }
        b.keytool(d, gen.toArray(new String[0]));
        b.keytool(
            d, "-exportcert", "-keystore", p12, "-alias", "key", "-rfc", "-file", name + ".cer");
        return;
      }
      b.keytool(d, gen.toArray(new String[0]));
      b.keytool(d, "-certreq", "-keystore", p12, "-alias", "key", "-file", name + ".csr");
      List<String> sign =
          new ArrayList<>(
              Arrays.asList(
                  "-gencert",
                  "-keystore",
                  CA + ".p12",
                  "-alias",
                  CA,
                  "-infile",
                  name + ".csr",
                  "-outfile",
                  name + ".cer",
                  "-rfc"));
      if (san != null) {
        sign.addAll(List.of("-ext", san));
      }
      if (startDate != null) {
        sign.addAll(List.of("-startdate", startDate));
      }
      sign.addAll(List.of("-validity", String.valueOf(validityDays)));
      b.keytool(d, sign.toArray(new String[0]));
      b.keytool(d, "-importcert", "-keystore", p12, "-alias", CA, "-file", "ca.cer", "-noprompt");
      b.keytool(d, "-importcert", "-keystore", p12, "-alias", "key", "-file", name + ".cer");
    }

    @Override
    public String toString() {
      return (signed ? "signed " : "self-signed ")
          + name
          + " "
          + keyAlg
          + " "
          + dn
          + " san="
          + san
          + " start="
          + startDate
          + " days="
          + validityDays;
    }
  }
}
