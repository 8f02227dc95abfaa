package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;

/**
 * Values derived from one ended handshake that more than one output shows (spans, metrics, the
 * console, the diagnosis): derived here once, so the outputs cannot drift apart. Export thread
 * only.
 */
final class HandshakeValues {
  private HandshakeValues() {}

  /** {@code client} or {@code server} ({@link HandshakeSemconv#ROLE}). */
  static String role(HandshakeRecord r) {
    return r.isClient() ? "client" : "server";
  }

  /** {@code SSLEngine} or {@code SSLSocket} ({@link HandshakeSemconv#API}). */
  static String api(HandshakeRecord r) {
    return r.isEngine() ? "SSLEngine" : "SSLSocket";
  }

  /**
   * {@code peer} (the alert was received) or {@code local} ({@link HandshakeSemconv#ALERT_ORIGIN}).
   */
  static String alertOrigin(boolean received) {
    return received ? "peer" : "local";
  }

  /** True when a HelloRetryRequest was sent or received ({@link HandshakeSemconv#HELLO_RETRY}). */
  static boolean helloRetry(HandshakeRecord r) {
    return sawMessage(r, "hello_retry_request");
  }

  /** True when a certificate_request was sent or received. */
  static boolean certificateRequested(HandshakeRecord r) {
    return sawMessage(r, "certificate_request");
  }

  /**
   * {@link HandshakeSemconv#CLIENT_AUTH}: on the server what it was configured to ask for; on the
   * client {@code requested} when a certificate_request arrived, else {@code none}.
   */
  static String clientAuth(HandshakeRecord r, HandshakeFacts f) {
    if (r.isClient()) {
      return certificateRequested(r) ? "requested" : "none";
    }
    return f.serverClientAuth;
  }

  private static boolean sawMessage(HandshakeRecord r, String message) {
    for (Frame fr : r.phases()) {
      if (message.equals(PhaseNames.message(fr))) {
        return true;
      }
    }
    return false;
  }
}
