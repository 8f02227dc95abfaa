package dev.handshakeagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The benchmark's certificates: one RSA 2048 CA signing an EC P-256 server, an RSA 2048 server and
 * an EC P-256 client, made once with the running JDK's {@code keytool} into a directory that every
 * fork reuses (so no fork pays for key generation). Throw-away keys for loopback benchmarks only;
 * the fixed password protects nothing.
 */
public final class BenchPki {
  /** The certificate a server presents, or the client's own for mutual TLS. */
  public enum Identity {
    SERVER_EC("server-ec", "EC", 256),
    SERVER_RSA("server-rsa", "RSA", 2048),
    CLIENT("client", "EC", 256);

    final String alias;
    final String keyAlg;
    final int keySize;

    Identity(String alias, String keyAlg, int keySize) {
      this.alias = alias;
      this.keyAlg = keyAlg;
      this.keySize = keySize;
    }
  }

  private static final char[] PASSWORD = "bench-only".toCharArray();
  private static final String DONE = "complete-v1";

  private final Path dir;

  private BenchPki(Path dir) {
    this.dir = dir;
  }

  /** The directory of {@code -Dbench.pki}, or one under the temporary directory. */
  public static Path defaultDir() {
    String configured = System.getProperty("bench.pki");
    return configured != null
        ? Paths.get(configured)
        : Paths.get(System.getProperty("java.io.tmpdir"), "handshake-agent-bench-pki");
  }

  /** Loads the certificates from {@code dir}, making them first if they are not there. */
  public static synchronized BenchPki in(Path dir) throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve(DONE))) {
      make(dir);
    }
    return new BenchPki(dir);
  }

  /** A context presenting {@code identity} (null: none) and trusting the benchmark CA. */
  public SSLContext context(Identity identity) throws IOException, GeneralSecurityException {
    KeyManagerFactory kmf = null;
    if (identity != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(identity.alias + ".p12"), PASSWORD);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load("trust.p12"));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        kmf == null ? null : kmf.getKeyManagers(),
        CountingTrust.wrap(tmf.getTrustManagers()),
        null);
    return context;
  }

  private KeyStore load(String file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(file))) {
      store.load(in, PASSWORD);
    }
    return store;
  }

  private static void make(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    keytool(
        dir,
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
        "CN=Handshake Bench CA",
        "-ext",
        "bc:c",
        "-validity",
        "3650");
    keytool(dir, "-exportcert", "-rfc", "-keystore", "ca.p12", "-alias", "ca", "-file", "ca.pem");
    keytool(
        dir,
        "-importcert",
        "-noprompt",
        "-keystore",
        "trust.p12",
        "-alias",
        "ca",
        "-file",
        "ca.pem");
    for (Identity id : Identity.values()) {
      String store = id.alias + ".p12";
      keytool(
          dir,
          "-genkeypair",
          "-keystore",
          store,
          "-alias",
          id.alias,
          "-keyalg",
          id.keyAlg,
          "-keysize",
          String.valueOf(id.keySize),
          "-dname",
          "CN=" + id.alias + ",O=bench",
          "-validity",
          "3650");
      keytool(dir, "-certreq", "-keystore", store, "-alias", id.alias, "-file", id.alias + ".csr");
      List<String> sign =
          new ArrayList<>(
              Arrays.asList(
                  "-gencert",
                  "-rfc",
                  "-keystore",
                  "ca.p12",
                  "-alias",
                  "ca",
                  "-infile",
                  id.alias + ".csr",
                  "-outfile",
                  id.alias + ".pem",
                  "-validity",
                  "3650"));
      if (id != Identity.CLIENT) {
        sign.addAll(List.of("-ext", "SAN=dns:localhost,ip:127.0.0.1"));
      }
      keytool(dir, sign.toArray(new String[0]));
      keytool(
          dir, "-importcert", "-noprompt", "-keystore", store, "-alias", "ca", "-file", "ca.pem");
      keytool(
          dir, "-importcert", "-keystore", store, "-alias", id.alias, "-file", id.alias + ".pem");
    }
    Files.writeString(dir.resolve(DONE), "made by BenchPki\n");
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
