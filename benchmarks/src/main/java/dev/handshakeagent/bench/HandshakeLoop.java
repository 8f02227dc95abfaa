package dev.handshakeagent.bench;

import javax.net.ssl.SSLException;

/**
 * What the full and the resumed handshake benchmarks share: handshakes one after the other for one
 * workload and one client peer, each on a fresh engine pair that reuses the previous pair's
 * buffers. Without a peer host nothing can be resumed; with one, every handshake after the first
 * can.
 */
final class HandshakeLoop {
  private final Workload.Contexts contexts;
  private final String host;
  private final int port;
  private EnginePair last;

  /**
   * Runs the first handshake (left open), so buffers exist and, with a peer, a session is cached.
   */
  HandshakeLoop(Workload workload, String host, int port) throws Exception {
    this.contexts = workload.contexts();
    this.host = host;
    this.port = port;
    last = contexts.pair(host, port, null);
    last.handshake();
  }

  /** One more handshake, both sides closed; returns the client's session for JMH to consume. */
  Object next() throws SSLException {
    EnginePair pair = contexts.pair(host, port, last);
    pair.handshake();
    pair.close();
    last = pair;
    return pair.client.getSession();
  }
}
