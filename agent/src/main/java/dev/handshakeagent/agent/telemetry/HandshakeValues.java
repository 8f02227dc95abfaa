package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Values derived from one ended handshake that more than one output shows (spans, metrics, the
 * console, the diagnosis): derived here once, so the outputs cannot drift apart. Export thread
 * only.
 */
final class HandshakeValues {
  private static final String[] VERSION_PREFIXES = {"TLSv", "SSLv", "DTLSv"};

  /** The event a provider reports when the server asked for a client certificate. */
  static final String CERTIFICATE_REQUESTED = "certificate_requested";

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
    return sawMessage(r, "certificate_request") || r.hasEvent(CERTIFICATE_REQUESTED);
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

  /** {@code TLSv1.3} -> {@code 1.3}. */
  static String version(String protocol) {
    for (String prefix : VERSION_PREFIXES) {
      if (protocol.startsWith(prefix)) {
        return protocol.substring(prefix.length());
      }
    }
    return protocol;
  }

  /**
   * {@link HandshakeSemconv#SERVER_ADDRESS}: the SNI name when one was requested, else on the
   * client the host it was created for; null on a server without SNI. Never from a reverse DNS
   * lookup.
   */
  static String serverAddress(HandshakeRecord r, HandshakeFacts f) {
    if (f.requestedServerName != null) {
      return f.requestedServerName;
    }
    return r.isClient() ? f.peerHost : null;
  }

  /** {@link HandshakeSemconv#ERROR_TYPE}: {@code abandoned}, the alert, or the exception class. */
  static String errorType(HandshakeRecord r, HandshakeFacts f) {
    if (r.outcome() == HandshakeRecord.Outcome.ABANDONED) {
      return HandshakeSemconv.ABANDONED;
    }
    if (f.alertDescription != null) {
      return f.alertDescription;
    }
    return r.thrown() != null ? r.thrown().getClass().getName() : "_OTHER";
  }

  /**
   * The exported phase a failure happened in: the failing frame (or its nearest exported parent),
   * else the last phase when the record has message phases; null on success or when unknown.
   */
  static Frame failedPhase(HandshakeRecord r) {
    if (r.outcome() == HandshakeRecord.Outcome.SUCCEEDED) {
      return null;
    }
    Frame f = r.failedFrame();
    if (f != null && !f.isExported()) {
      f = f.exportedParent();
    }
    if (f != null) {
      return f;
    }
    // The last phase stands for the failure's place only when the phases follow the messages (a
    // provider that reports only validate certificate chain did not fail in it just because it
    // ran).
    Frame last = r.lastPhase();
    return last != null && tracksMessages(r) ? last : null;
  }

  private static boolean tracksMessages(HandshakeRecord r) {
    for (Frame fr : r.phases()) {
      if (fr.kind() == Frame.Kind.SEND || fr.kind() == Frame.Kind.RECEIVE) {
        return true;
      }
    }
    return false;
  }

  /** The phases in start order, as the span tree and the waterfall show them. */
  static List<Frame> sorted(List<Frame> frames) {
    List<Frame> copy = new ArrayList<>(frames);
    copy.sort(Comparator.comparingLong(Frame::startNanos));
    return copy;
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
