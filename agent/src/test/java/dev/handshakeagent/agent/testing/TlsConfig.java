package dev.handshakeagent.agent.testing;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

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

  /**
   * A client trusting the test CA that presents {@code cert}'s certificate whenever the server asks
   * for one, even when its issuer is not among those the server named (the JDK's key manager would
   * send none): a client certificate the server then rejects.
   */
  public static TlsConfig clientPresenting(TestPki.Server cert) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(TestPki.keyStore(cert))) {
        keys.load(in, TestPki.PASSWORD);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, TestPki.PASSWORD);
      X509ExtendedKeyManager real = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {new AnyIssuerKeyManager(real)}, trustManagers(), null);
      return new TlsConfig(ctx);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrustManager[] trustManagers() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(TestPki.trustStore())) {
      trust.load(in, TestPki.PASSWORD);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    return tmf.getTrustManagers();
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

  /** Chooses a client key as if the server had named no issuers. */
  private static final class AnyIssuerKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager real;

    AnyIssuerKeyManager(X509ExtendedKeyManager real) {
      this.real = real;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return real.chooseClientAlias(keyType, null, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return real.chooseEngineClientAlias(keyType, null, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return real.getClientAliases(keyType, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return real.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return real.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return real.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return real.getPrivateKey(alias);
    }
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
