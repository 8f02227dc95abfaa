package dev.handshakeagent.agent.advice;

/** Binary names of the SunJSSE classes and descriptors the hooks use (JDK 11+ TLS 1.3 rewrite). */
final class Jsse {
  static final String PKG = "sun.security.ssl.";
  static final String HANDSHAKE_CONTEXT = PKG + "HandshakeContext";
  static final String POST_HANDSHAKE_CONTEXT = PKG + "PostHandshakeContext";
  static final String TRANSPORT_CONTEXT = PKG + "TransportContext";
  static final String SSL_TRANSPORT = PKG + "SSLTransport";
  static final String HANDSHAKE_MESSAGE = PKG + "SSLHandshake$HandshakeMessage";
  static final String HANDSHAKE_PRODUCER = PKG + "HandshakeProducer";
  static final String SSL_PRODUCER = PKG + "SSLProducer";
  static final String CCS_CONSUMER = PKG + "ChangeCipherSpec$T10ChangeCipherSpecConsumer";
  static final String T12_CERT_CONSUMER = PKG + "CertificateMessage$T12CertificateConsumer";
  static final String T13_CERT_CONSUMER = PKG + "CertificateMessage$T13CertificateConsumer";

  static final String L_CONNECTION_CONTEXT = "Lsun/security/ssl/ConnectionContext;";
  static final String L_HANDSHAKE_MESSAGE = "Lsun/security/ssl/SSLHandshake$HandshakeMessage;";
  static final String L_TRANSPORT_CONTEXT = "Lsun/security/ssl/TransportContext;";

  private Jsse() {}
}
