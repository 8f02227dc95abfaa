package dev.handshakeagent.agent.fake.org.bouncycastle.tls;

/**
 * A class named like a relocated copy of BCJSSE's {@code TlsProtocol} that lacks the method the
 * send hook relies on: a provider version whose internals changed.
 */
public class TlsProtocol {
  void writeHandshakeMessage(byte[] buf, int off) {}
}
