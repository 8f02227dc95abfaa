package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.tracking.Frame;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handshake message names, as the JDK's {@code SSLHandshake} enum and RFC 8446/5246 spell them. A
 * message type the table does not know becomes {@code unknown}, so span names stay bounded.
 */
public final class PhaseNames {
  private PhaseNames() {}

  private static final String[] BY_WIRE_TYPE = new String[256];

  static {
    BY_WIRE_TYPE[0] = "hello_request";
    BY_WIRE_TYPE[1] = "client_hello";
    BY_WIRE_TYPE[2] = "server_hello";
    BY_WIRE_TYPE[3] = "hello_verify_request";
    BY_WIRE_TYPE[4] = "new_session_ticket";
    BY_WIRE_TYPE[5] = "end_of_early_data";
    BY_WIRE_TYPE[8] = "encrypted_extensions";
    BY_WIRE_TYPE[11] = "certificate";
    BY_WIRE_TYPE[12] = "server_key_exchange";
    BY_WIRE_TYPE[13] = "certificate_request";
    BY_WIRE_TYPE[14] = "server_hello_done";
    BY_WIRE_TYPE[15] = "certificate_verify";
    BY_WIRE_TYPE[16] = "client_key_exchange";
    BY_WIRE_TYPE[20] = "finished";
    BY_WIRE_TYPE[21] = "certificate_url";
    BY_WIRE_TYPE[22] = "certificate_status";
    BY_WIRE_TYPE[23] = "supplemental_data";
    BY_WIRE_TYPE[24] = "key_update";
    BY_WIRE_TYPE[25] = "compressed_certificate";
    BY_WIRE_TYPE[254] = "message_hash";
  }

  private static final ConcurrentHashMap<String, String> FROM_JDK = new ConcurrentHashMap<>();

  /** The wire name of a frame's message ({@code hello_retry_request}), or {@code unknown}. */
  public static String message(Frame f) {
    if (f.kind() != Frame.Kind.SEND && f.kind() != Frame.Kind.RECEIVE) {
      return null; // work spans and alerts carry no message
    }
    if (f.jdkMessageName() != null) {
      return FROM_JDK.computeIfAbsent(f.jdkMessageName(), n -> n.toLowerCase(Locale.ROOT));
    }
    if (f.helloRetry()) {
      return "hello_retry_request";
    }
    int t = f.wireType();
    String name = t >= 0 && t < 256 ? BY_WIRE_TYPE[t] : null;
    return name == null ? "unknown" : name;
  }

  /** The span name of a frame: {@code send client_hello}, {@code validate certificate chain}. */
  public static String spanName(Frame f) {
    switch (f.kind()) {
      case VALIDATE_CHAIN:
        return HandshakeSemconv.VALIDATE_CHAIN;
      case ALERT:
        return f.alertReceived() ? HandshakeSemconv.ALERT_RECEIVED : HandshakeSemconv.ALERT_SENT;
      case CHECK_REVOCATION:
        return HandshakeSemconv.CHECK_REVOCATION;
      case FETCH_OCSP:
        return HandshakeSemconv.FETCH_OCSP;
      case FETCH_CRL:
        return HandshakeSemconv.FETCH_CRL;
      case SEND:
        return SEND_NAMES.computeIfAbsent(message(f), m -> HandshakeSemconv.SEND + " " + m);
      default:
        return RECEIVE_NAMES.computeIfAbsent(message(f), m -> HandshakeSemconv.RECEIVE + " " + m);
    }
  }

  /** Span names by message: a few dozen, made once (the message names are bounded). */
  private static final ConcurrentHashMap<String, String> SEND_NAMES = new ConcurrentHashMap<>();

  private static final ConcurrentHashMap<String, String> RECEIVE_NAMES = new ConcurrentHashMap<>();

  /** For unknown messages: the raw wire type, so nothing is lost. */
  static String rawType(Frame f) {
    return f.wireType() >= 0 ? "unknown(" + f.wireType() + ")" : "unknown";
  }
}
