package dev.handshakeagent.agent.tracking.tcnative;

import java.util.Locale;

/**
 * The fatal alert a BoringSSL (or OpenSSL) error text names. netty-tcnative and Conscrypt throw the
 * library's error string ({@code error:10000410:SSL routines:OPENSSL_internal:
 * SSLV3_ALERT_HANDSHAKE_FAILURE}): a reason {@code SSLV3_ALERT_x} or {@code TLSV1_ALERT_x} is the
 * alert the peer sent; {@code UNSUPPORTED_PROTOCOL} is a version mismatch the library answered with
 * {@code protocol_version}. Other local failures name no alert the library would tell.
 */
public final class BoringSslErrors {
  private BoringSslErrors() {}

  /** An alert and whether it was received; null when the text names none. */
  public static final class Alert {
    public final String description;
    public final boolean received;

    Alert(String description, boolean received) {
      this.description = description;
      this.received = received;
    }
  }

  /**
   * Lower case reason of a server whose required client certificate did not come ({@code
   * PEER_DID_NOT_RETURN_A_CERTIFICATE}).
   */
  public static final String NO_CLIENT_CERTIFICATE = "peer_did_not_return_a_certificate";

  private static final String[] RECEIVED = {"SSLV3_ALERT_", "TLSV1_ALERT_"};

  /** The alert in {@code message} (the thrown exception's), or null. */
  public static Alert alert(String message) {
    if (message == null) {
      return null;
    }
    for (String marker : RECEIVED) {
      int i = message.indexOf(marker);
      if (i >= 0) {
        int from = i + marker.length();
        int to = from;
        while (to < message.length()
            && (Character.isUpperCase(message.charAt(to)) || message.charAt(to) == '_')) {
          to++;
        }
        if (to > from) {
          return new Alert(message.substring(from, to).toLowerCase(Locale.ROOT), true);
        }
      }
    }
    if (message.contains(":UNSUPPORTED_PROTOCOL")) {
      return new Alert("protocol_version", false);
    }
    return null;
  }
}
