package dev.handshakeagent.bench;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's trust manager with a count of server chains checked, so a benchmark can prove that its
 * handshakes were resumed (a resumed handshake checks no chain). Every run, with or without the
 * agent, uses it, so its (tiny) cost cancels out.
 */
final class CountingTrust extends X509ExtendedTrustManager {
  private static final AtomicLong SERVER_CHECKS = new AtomicLong();

  private final X509ExtendedTrustManager jdk;

  private CountingTrust(X509ExtendedTrustManager jdk) {
    this.jdk = jdk;
  }

  static long serverChecks() {
    return SERVER_CHECKS.get();
  }

  static TrustManager[] wrap(TrustManager[] managers) {
    TrustManager[] out = managers.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof X509ExtendedTrustManager) {
        out[i] = new CountingTrust((X509ExtendedTrustManager) out[i]);
      }
    }
    return out;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    jdk.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    SERVER_CHECKS.incrementAndGet();
    jdk.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    jdk.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    SERVER_CHECKS.incrementAndGet();
    jdk.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    jdk.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    SERVER_CHECKS.incrementAndGet();
    jdk.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return jdk.getAcceptedIssuers();
  }
}
