package dev.handshakeagent.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Test certificates, made with the running JDK's {@code keytool} at first use and kept under {@code
 * target/test-pki} for the rest of the build (nothing secret is committed). One test CA signs the
 * server (RSA and EC), expired-server and client certificates; the untrusted server is self-signed.
 */
public final class TestPki {
  public static final char[] PASSWORD = "changeit".toCharArray();
  public static final String CA_DN = "CN=Handshake Test CA,O=handshake-agent";

  /** Server key stores, by the certificate they present. */
  public enum Server {
    RSA("server-rsa.p12"),
    EC("server-ec.p12"),
    EXPIRED("server-expired.p12"),
    /** Valid for 3 more days: the certificate-expiry alarm case. */
    EXPIRES_IN_3_DAYS("server-3days.p12"),
    /** Valid for 400 days. */
    EXPIRES_IN_400_DAYS("server-400days.p12"),
    /** Valid only from ten years after the set was made: a certificate not yet valid. */
    NOT_YET_VALID("server-not-yet-valid.p12"),
    /** Signed by the test CA for wrong.example only: a hostname mismatch for localhost. */
    WRONG_HOST("server-wrong-host.p12"),
    UNTRUSTED("server-untrusted.p12");

    final String file;

    Server(String file) {
      this.file = file;
    }
  }

  /** Marker of a finished key-store set; renamed whenever the set changes. */
  private static final String COMPLETE = "complete-v4";

  private static Path dir;

  private TestPki() {}

  /** The directory holding the key stores, made on first call. */
  public static synchronized Path dir() {
    if (dir == null) {
      Path d = Paths.get(System.getProperty("test.pki.dir", "target/test-pki")).toAbsolutePath();
      try {
        if (!Files.exists(d.resolve(COMPLETE))) {
          generate(d);
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("could not make test certificates in " + d, e);
      }
      dir = d;
    }
    return dir;
  }

  public static Path keyStore(Server s) {
    return dir().resolve(s.file);
  }

  public static Path clientKeyStore() {
    return dir().resolve("client.p12");
  }

  public static Path trustStore() {
    return dir().resolve("trust.p12");
  }

  /** A context presenting {@code server}'s certificate and trusting the test CA. */
  public static SSLContext serverContext(Server server) {
    return context(keyStore(server), true);
  }

  /** A client context trusting the test CA, with the client certificate when {@code withKey}. */
  public static SSLContext clientContext(boolean withKey) {
    return context(withKey ? clientKeyStore() : null, true);
  }

  /**
   * A client context whose trust manager waits {@code delayMillis} before checking the server's
   * chain, standing for an OCSP responder that hangs.
   */
  public static SSLContext slowClientContext(long delayMillis) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(load(trustStore()));
      X509ExtendedTrustManager real = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new SlowTrustManager(real, delayMillis)}, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext context(Path keyStore, boolean trustCa) {
    try {
      KeyManager[] kms = null;
      if (keyStore != null) {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(load(keyStore), PASSWORD);
        kms = kmf.getKeyManagers();
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trustCa ? load(trustStore()) : null);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Delegates every check, after a pause for server chains. */
  private static final class SlowTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager real;
    private final long delayMillis;

    SlowTrustManager(X509ExtendedTrustManager real, long delayMillis) {
      this.real = real;
      this.delayMillis = delayMillis;
    }

    private void pause() {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      pause();
      real.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      pause();
      real.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      pause();
      real.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      real.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      real.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      real.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return real.getAcceptedIssuers();
    }
  }

  private static KeyStore load(Path p) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  private static void generate(Path d) throws IOException, InterruptedException {
    Files.createDirectories(d);
    try (java.util.stream.Stream<Path> old = Files.list(d)) {
      for (Path p : (Iterable<Path>) old::iterator) {
        Files.deleteIfExists(p); // an older or half-made set
      }
    }
    String san = "SAN=dns:localhost,ip:127.0.0.1";
    keytool(
        d,
        "-genkeypair",
        "-keystore",
        "ca.p12",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        CA_DN,
        "-validity",
        "3650",
        "-ext",
        "bc:c");
    keytool(d, "-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.cer");
    keytool(
        d, "-importcert", "-keystore", "trust.p12", "-alias", "ca", "-file", "ca.cer", "-noprompt");
    signed(d, "server-rsa", "RSA", "CN=localhost,O=handshake-agent", san, null, 825);
    signed(d, "server-ec", "EC", "CN=localhost,O=handshake-agent EC", san, null, 825);
    signed(d, "server-expired", "RSA", "CN=expired.localhost,O=handshake-agent", san, "-400d", 30);
    signed(
        d,
        "server-not-yet-valid",
        "RSA",
        "CN=future.localhost,O=handshake-agent",
        san,
        "+3650d",
        30);
    signed(d, "server-3days", "EC", "CN=soon.localhost,O=handshake-agent", san, null, 3);
    signed(d, "server-400days", "EC", "CN=later.localhost,O=handshake-agent", san, null, 400);
    signed(d, "client", "RSA", "CN=handshake-client,O=handshake-agent", null, null, 825);
    signed(
        d,
        "server-wrong-host",
        "EC",
        "CN=wrong.example,O=handshake-agent",
        "SAN=dns:wrong.example",
        null,
        825);
    keytool(
        d,
        "-genkeypair",
        "-keystore",
        "server-untrusted.p12",
        "-alias",
        "server",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=untrusted.example",
        "-ext",
        san,
        "-validity",
        "825");
    Files.write(d.resolve(COMPLETE), "ok".getBytes(StandardCharsets.UTF_8));
  }

  private static void signed(
      Path d, String name, String alg, String dn, String san, String startDate, int validityDays)
      throws IOException, InterruptedException {
    String p12 = name + ".p12";
    List<String> gen =
        new ArrayList<>(
            Arrays.asList(
                "-genkeypair",
                "-keystore",
                p12,
                "-alias",
                "key",
                "-keyalg",
                alg,
                "-dname",
                dn,
                "-validity",
                "825"));
    gen.addAll(alg.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
    keytool(d, gen.toArray(new String[0]));
    keytool(d, "-certreq", "-keystore", p12, "-alias", "key", "-file", name + ".csr");
    List<String> sign =
        new ArrayList<>(
            Arrays.asList(
                "-gencert",
                "-keystore",
                "ca.p12",
                "-alias",
                "ca",
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
    keytool(d, sign.toArray(new String[0]));
    keytool(d, "-importcert", "-keystore", p12, "-alias", "ca", "-file", "ca.cer", "-noprompt");
    keytool(d, "-importcert", "-keystore", p12, "-alias", "key", "-file", name + ".cer");
  }

  private static void keytool(Path d, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("-storepass", "changeit", "-storetype", "PKCS12"));
    Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
