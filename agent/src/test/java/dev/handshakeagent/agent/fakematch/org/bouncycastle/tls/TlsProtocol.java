package dev.handshakeagent.agent.fakematch.org.bouncycastle.tls;

/** A relocated copy of BCJSSE's {@code TlsProtocol} with the member its hook relies on. */
public class TlsProtocol {
  void writeHandshakeMessage(byte[] buf, int off, int len) {}
}
