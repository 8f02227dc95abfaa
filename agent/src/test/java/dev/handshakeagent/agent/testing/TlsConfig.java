package dev.handshakeagent.agent.testing;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** How one side of a test connection is set up. Immutable builder-style. */
public final class TlsConfig {
  final SSLContext context;
  String[] protocols;
  String[] cipherSuites;
  boolean needClientAuth;
  boolean rejectCommonGroups;
  boolean keyUpdate;
  boolean hostnameCheck;

  private TlsConfig(SSLContext context) {
    this.context = context;
  }

  public static TlsConfig server(TestPki.Server cert) {
    return new TlsConfig(TestPki.serverContext(cert));
  }

  public static TlsConfig client(boolean withKey) {
    return new TlsConfig(TestPki.clientContext(withKey));
  }

  /** A client that keeps its session cache across connections (for resumption). */
  public static TlsConfig client(SSLContext shared) {
    return new TlsConfig(shared);
  }

  public TlsConfig protocols(String... p) {
    protocols = p;
    return this;
  }

  public TlsConfig ciphers(String... c) {
    cipherSuites = c;
    return this;
  }

  public TlsConfig needClientAuth() {
    needClientAuth = true;
    return this;
  }

  /**
   * Server only: refuse the key shares a JDK client sends first (x25519, secp256r1), which forces a
   * HelloRetryRequest for another group.
   */
  public TlsConfig forceHelloRetry() {
    rejectCommonGroups = true;
    return this;
  }

  /** Client only: after the first exchange, start a TLS 1.3 key update and exchange again. */
  public TlsConfig keyUpdate() {
    keyUpdate = true;
    return this;
  }

  /** Client only: check the server's name as HTTPS does (endpoint identification). */
  public TlsConfig hostnameCheck() {
    hostnameCheck = true;
    return this;
  }

  public SSLContext context() {
    return context;
  }

  SSLParameters apply(SSLParameters p, boolean client) {
    if (protocols != null) {
      p.setProtocols(protocols);
    }
    if (cipherSuites != null) {
      p.setCipherSuites(cipherSuites);
    }
    if (needClientAuth) {
      p.setNeedClientAuth(true);
    }
    if (client) {
      // The JDK sends no SNI for dot-less host names such as localhost; set it explicitly.
      p.setServerNames(List.of(new SNIHostName("localhost")));
    }
    if (hostnameCheck) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    if (rejectCommonGroups) {
      p.setAlgorithmConstraints(new RejectGroups());
    }
    return p;
  }

  /** Denies the named groups x25519 and secp256r1 for key agreement; permits everything else. */
  private static final class RejectGroups implements AlgorithmConstraints {
    private static boolean denied(String algorithm) {
      return "x25519".equalsIgnoreCase(algorithm) || "secp256r1".equalsIgnoreCase(algorithm);
    }

    @Override
    public boolean permits(
        Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
      return !denied(algorithm);
    }

    @Override
    public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
      return true;
    }

    @Override
    public boolean permits(
        Set<CryptoPrimitive> primitives,
        String algorithm,
        Key key,
        AlgorithmParameters parameters) {
      return !denied(algorithm);
    }
  }
}
