package dev.handshakeagent.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The demo's certificates, made at start with the running JDK's {@code keytool} in a temporary
 * directory, loaded into memory, and the directory deleted again. Nothing secret is committed or
 * left on disk, and the password is random per run.
 *
 * <p>One demo CA signs the localhost server, the expired server, the wrong-host server and the
 * client certificate; the untrusted server is self-signed. The CA and the localhost server have RSA
 * keys (the hello-retry scenario needs a chain without P-256 ECDSA, see {@link
 * RejectCommonGroups}); the others use EC P-256, whose keys are much faster to generate.
 *
 * <p>Not the tests' and benchmarks' shared builder ({@code test-support}'s {@code KeytoolPki}) on
 * purpose: the demo is an application users run on its own ({@code java -jar demo-app.jar}, in its
 * Docker image), plain JDK with no dependency, and its keys must not outlive the run (random
 * password, nothing left on disk), where the test PKI is a fixed-password set kept on disk for
 * reuse across builds.
 */
final class DemoPki {
  /** The identities the demo can present. */
  enum Identity {
    /** RSA, SAN dns:localhost, ip:127.0.0.1, signed by the demo CA. */
    SERVER("server", "CN=localhost,O=handshake-demo", "SAN=dns:localhost,ip:127.0.0.1", true, true),
    /** Valid for localhost, but its 30 days ended over a year ago. */
    EXPIRED(
        "expired", "CN=localhost,OU=expired,O=handshake-demo", "SAN=dns:localhost", true, false),
    /** Valid and trusted, but for another host name only. */
    WRONG_HOST(
        "wrong-host", "CN=wrong.example,O=handshake-demo", "SAN=dns:wrong.example", true, false),
    /** The client certificate for mutual TLS. */
    CLIENT("client", "CN=demo-client,O=handshake-demo", null, true, false),
    /** Self-signed: no client trusts it. */
    UNTRUSTED(
        "untrusted", "CN=localhost,O=untrusted", "SAN=dns:localhost,ip:127.0.0.1", false, false);

    final String alias;
    final String dname;
    final String san;
    final boolean signedByCa;
    final boolean rsa;

    Identity(String alias, String dname, String san, boolean signedByCa, boolean rsa) {
      this.alias = alias;
      this.dname = dname;
      this.san = san;
      this.signedByCa = signedByCa;
      this.rsa = rsa;
    }
  }

  private static final String CA_ALIAS = "ca";
  private static final String PASSWORD_VARIABLE = "DEMO_PKI_PASSWORD";

  /**
   * keytool runs for about a second, mostly JIT compiling: C1 alone halves that for EC keys. (RSA
   * key generation is faster with C2, so the RSA key goes without it.)
   */
  private static final String QUICK_START = "-J-XX:TieredStopAtLevel=1";

  private final char[] password;
  private final KeyStore trustStore;
  private final Map<Identity, KeyStore> keyStores;

  private DemoPki(char[] password, KeyStore trustStore, Map<Identity, KeyStore> keyStores) {
    this.password = password;
    this.trustStore = trustStore;
    this.keyStores = keyStores;
  }

  /** Generates every certificate; takes a few seconds (one keytool process per key). */
  static DemoPki generate() throws IOException, GeneralSecurityException {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    char[] password = Base64.getUrlEncoder().encodeToString(random).toCharArray();
    Path dir = Files.createTempDirectory("handshake-demo-pki-");
    try {
      return generate(dir, password);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static DemoPki generate(Path dir, char[] password)
      throws IOException, GeneralSecurityException {
    Keytool keytool = new Keytool(dir, new String(password));
    keytool.run(
        "-genkeypair",
        "-keystore",
        "ca.p12",
        "-alias",
        CA_ALIAS,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=Handshake Demo CA,O=handshake-demo",
        "-ext",
        "bc:c",
        "-validity",
        "365");
    // Each identity gets its own store (a copy holding the CA key, which -signer needs), so the
    // keytool processes can run in parallel.
    ExecutorService pool = Executors.newFixedThreadPool(Identity.values().length);
    try {
      List<Future<Void>> jobs = new ArrayList<>();
      for (Identity identity : Identity.values()) {
        jobs.add(
            pool.submit(
                () -> {
                  generate(keytool, dir, identity);
                  return null;
                }));
      }
      for (Future<Void> job : jobs) {
        job.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException
          ? (IOException) e.getCause()
          : new IOException("certificate generation failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating certificates", e);
    } finally {
      pool.shutdownNow();
    }

    KeyStore ca = load(dir.resolve("ca.p12"), password);
    KeyStore trust = emptyStore();
    trust.setCertificateEntry(CA_ALIAS, ca.getCertificate(CA_ALIAS));
    Map<Identity, KeyStore> stores = new EnumMap<>(Identity.class);
    KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
    for (Identity identity : Identity.values()) {
      KeyStore generated = load(dir.resolve(identity.alias + ".p12"), password);
      // Only the identity's own entry: a key manager offers every key in its store.
      KeyStore single = emptyStore();
      single.setEntry(identity.alias, generated.getEntry(identity.alias, protection), protection);
      stores.put(identity, single);
    }
    return new DemoPki(password, trust, stores);
  }

  private static void generate(Keytool keytool, Path dir, Identity identity) throws IOException {
    String store = identity.alias + ".p12";
    List<String> args = new ArrayList<>();
    if (!identity.rsa) {
      args.add(QUICK_START);
    }
    args.addAll(
        List.of(
            "-genkeypair", "-keystore", store, "-alias", identity.alias, "-dname", identity.dname));
    if (identity.signedByCa) {
      Files.copy(dir.resolve("ca.p12"), dir.resolve(store));
      args.addAll(List.of("-signer", CA_ALIAS, "-signerkeypass:env", PASSWORD_VARIABLE));
    }
    args.addAll(
        identity.rsa
            ? List.of("-keyalg", "RSA", "-keysize", "2048")
            : List.of("-keyalg", "EC", "-groupname", "secp256r1"));
    if (identity.san != null) {
      args.addAll(List.of("-ext", identity.san));
    }
    if (identity == Identity.EXPIRED) {
      args.addAll(List.of("-startdate", "-400d", "-validity", "30"));
    } else {
      args.addAll(List.of("-validity", "90"));
    }
    keytool.run(args.toArray(new String[0]));
  }

  /** A server context presenting {@code identity}. */
  SSLContext serverContext(Identity identity) {
    return context(keyManagers(identity), trustManagers());
  }

  /** A client context trusting the demo CA, presenting the client certificate when asked to. */
  SSLContext clientContext(boolean withClientCertificate) {
    return context(withClientCertificate ? keyManagers(Identity.CLIENT) : null, trustManagers());
  }

  /** A client context whose trust manager is {@code trustManager} (for the slow scenario). */
  SSLContext clientContext(X509ExtendedTrustManager trustManager) {
    return context(null, new TrustManager[] {trustManager});
  }

  /** The standard PKIX trust manager for the demo CA. */
  X509ExtendedTrustManager trustManager() {
    for (TrustManager tm : trustManagers()) {
      if (tm instanceof X509ExtendedTrustManager) {
        return (X509ExtendedTrustManager) tm;
      }
    }
    throw new IllegalStateException("no X509ExtendedTrustManager from PKIX");
  }

  private KeyManager[] keyManagers(Identity identity) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keyStores.get(identity), password);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private TrustManager[] trustManagers() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trustStore);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext context(KeyManager[] keyManagers, TrustManager[] trustManagers) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static KeyStore load(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Runs the running JDK's keytool in one directory; the password goes through the environment. */
  private static final class Keytool {
    private final Path dir;
    private final String password;
    private final String executable;

    Keytool(Path dir, String password) {
      this.dir = dir;
      this.password = password;
      this.executable = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    void run(String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(executable);
      command.addAll(Arrays.asList(args));
      // In the environment rather than on the command line, where any process list shows it.
      command.addAll(
          List.of(
              "-storetype",
              "PKCS12",
              "-storepass:env",
              PASSWORD_VARIABLE,
              "-keypass:env",
              PASSWORD_VARIABLE));
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      builder.environment().put(PASSWORD_VARIABLE, password);
      builder.redirectErrorStream(true);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (process.waitFor() != 0) {
          throw new IOException("keytool " + String.join(" ", args) + " failed: " + output.trim());
        }
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running keytool", e);
      }
    }
  }
}
