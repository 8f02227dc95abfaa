package dev.handshakeagent.bench;

import dev.handshakeagent.testsupport.KeytoolPki;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The benchmark's certificates: one RSA 2048 CA signing an EC P-256 server, an RSA 2048 server and
 * an EC P-256 client, made by the test PKI builder the agent's tests use ({@link KeytoolPki}) into
 * a directory that every fork reuses (so no fork pays for key generation). Throw-away keys for
 * loopback benchmarks only; the fixed password protects nothing.
 */
public final class BenchPki {
  /** The certificate a server presents, or the client's own for mutual TLS. */
  public enum Identity {
    SERVER_EC("server-ec"),
    SERVER_RSA("server-rsa"),
    CLIENT("client");

    final String alias;

    Identity(String alias) {
      this.alias = alias;
    }
  }

  private static final String PASSWORD = "bench-only";

  private final KeytoolPki pki;

  private BenchPki(KeytoolPki pki) {
    this.pki = pki;
  }

  /** The directory of {@code -Dbench.pki}, or one under the temporary directory. */
  public static Path defaultDir() {
    String configured = System.getProperty("bench.pki");
    return configured != null
        ? Paths.get(configured)
        : Paths.get(System.getProperty("java.io.tmpdir"), "handshake-agent-bench-pki");
  }

  /** Loads the certificates from {@code dir}, making them first if they are not there or stale. */
  public static synchronized BenchPki in(Path dir) throws IOException, InterruptedException {
    String san = "SAN=dns:localhost,ip:127.0.0.1";
    return new BenchPki(
        KeytoolPki.withCa("CN=Handshake Bench CA")
            .password(PASSWORD)
            .signed(Identity.SERVER_EC.alias, "EC", "CN=server-ec,O=bench", san, null, 3650)
            .signed(Identity.SERVER_RSA.alias, "RSA", "CN=server-rsa,O=bench", san, null, 3650)
            .signed(Identity.CLIENT.alias, "EC", "CN=client,O=bench", null, null, 3650)
            .in(dir));
  }

  /** A context presenting {@code identity} (null: none) and trusting the benchmark CA. */
  public SSLContext context(Identity identity) throws IOException, GeneralSecurityException {
    KeyManagerFactory kmf = null;
    if (identity != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(pki.load(pki.keyStore(identity.alias)), PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(pki.load(pki.trustStore()));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        kmf == null ? null : kmf.getKeyManagers(),
        CountingTrust.wrap(tmf.getTrustManagers()),
        null);
    return context;
  }
}
