package dev.handshakeagent.agent.testing;

import dev.handshakeagent.testsupport.KeytoolPki;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The agent tests' certificates: one test CA signs the server (RSA and EC), expired-server, 3-day,
 * 400-day, not-yet-valid, wrong-host and client certificates; the untrusted server is self-signed.
 * Made by the shared {@link KeytoolPki} (the benchmarks use it too) under {@code target/test-pki},
 * or {@code -Dtest.pki.dir}, which child JVMs get from their parent: reused across test JVMs and
 * builds, and made again when any certificate comes within {@link KeytoolPki#MARGIN} of its end
 * (the 3-day one every two days), so none expires during a build.
 */
public final class TestPki {
  public static final char[] PASSWORD = "changeit".toCharArray();
  public static final String CA_DN = "CN=Handshake Test CA,O=handshake-agent";

  /** Server key stores, by the certificate they present. */
  public enum Server {
    RSA("server-rsa"),
    EC("server-ec"),
    EXPIRED("server-expired"),
    /** Valid for 3 days from when the set was made (at least one more): the expiry alarm case. */
    EXPIRES_IN_3_DAYS("server-3days"),
    /** Valid for 400 days. */
    EXPIRES_IN_400_DAYS("server-400days"),
    /** Valid only from ten years after the set was made: a certificate not yet valid. */
    NOT_YET_VALID("server-not-yet-valid"),
    /** Signed by the test CA for wrong.example only: a hostname mismatch for localhost. */
    WRONG_HOST("server-wrong-host"),
    UNTRUSTED("server-untrusted");

    /** The name of its files in the set: {@code NAME.p12}, {@code NAME.cer}. */
    final String file;

    Server(String file) {
      this.file = file;
    }
  }

  private static KeytoolPki pki;

  private TestPki() {}

  private static synchronized KeytoolPki pki() {
    if (pki == null) {
      Path d = Paths.get(System.getProperty("test.pki.dir", "target/test-pki"));
      String san = "SAN=dns:localhost,ip:127.0.0.1";
      try {
        pki =
            KeytoolPki.withCa(CA_DN)
                .password(new String(PASSWORD))
                .signed("server-rsa", "RSA", "CN=localhost,O=handshake-agent", san, null, 825)
                .signed("server-ec", "EC", "CN=localhost,O=handshake-agent EC", san, null, 825)
                .signed(
                    "server-expired",
                    "RSA",
                    "CN=expired.localhost,O=handshake-agent",
                    san,
                    "-400d",
                    30)
                .signed(
                    "server-not-yet-valid",
                    "RSA",
                    "CN=future.localhost,O=handshake-agent",
                    san,
                    "+3650d",
                    30)
                .signed("server-3days", "EC", "CN=soon.localhost,O=handshake-agent", san, null, 3)
                .signed(
                    "server-400days", "EC", "CN=later.localhost,O=handshake-agent", san, null, 400)
                .signed("client", "RSA", "CN=handshake-client,O=handshake-agent", null, null, 825)
                .signed(
                    "server-wrong-host",
                    "EC",
                    "CN=wrong.example,O=handshake-agent",
                    "SAN=dns:wrong.example",
                    null,
                    825)
                .selfSigned("server-untrusted", "RSA", "CN=untrusted.example", san, 825)
                .in(d);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("could not make test certificates in " + d, e);
      }
    }
    return pki;
  }

  /** The directory holding the key stores, made (or made again) on first call. */
  public static Path dir() {
    return pki().dir();
  }

  public static Path keyStore(Server s) {
    return pki().keyStore(s.file);
  }

  public static Path clientKeyStore() {
    return pki().keyStore("client");
  }

  public static Path trustStore() {
    return pki().trustStore();
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
    return pki().load(p);
  }
}
