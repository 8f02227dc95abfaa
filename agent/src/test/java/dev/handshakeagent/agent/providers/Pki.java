package dev.handshakeagent.agent.providers;

import dev.handshakeagent.agent.testing.TestPki;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** Key and trust managers over the test PKI, for providers that take factories. */
final class Pki {
  private Pki() {}

  static KeyStore load(Path p) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, TestPki.PASSWORD);
    }
    return ks;
  }

  static KeyManagerFactory keyManagers(Path keyStore) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(keyStore), TestPki.PASSWORD);
    return kmf;
  }

  static TrustManagerFactory trustManagers() throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(TestPki.trustStore()));
    return tmf;
  }
}
