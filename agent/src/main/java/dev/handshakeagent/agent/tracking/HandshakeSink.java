package dev.handshakeagent.agent.tracking;

import java.util.List;

/** Where ended handshakes go. Called on handshake threads: implementations only enqueue. */
public interface HandshakeSink {

  /** {@code record} ended (succeeded, failed or abandoned); called exactly once per record. */
  void handshakeEnded(HandshakeRecord record);

  /** Post-handshake messages (TLS 1.3 new_session_ticket, key_update) of {@code handshake}. */
  void postHandshake(HandshakeRecord handshake, List<Frame> phases);
}
