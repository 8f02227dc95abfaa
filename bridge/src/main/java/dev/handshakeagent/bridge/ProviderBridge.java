package dev.handshakeagent.bridge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The class that advice inlined into other TLS providers' classes calls (netty-tcnative, Conscrypt,
 * BCJSSE; relocated copies included). On the boot class path, so any class loader sees it; JDK
 * types only; does nothing until the agent {@link #install installs} a listener. Every method is
 * total: whatever the listener throws is caught and counted, and never reaches the application.
 */
public final class ProviderBridge {

  private static volatile ProviderListener listener;
  private static final AtomicLong SUPPRESSED = new AtomicLong();

  private ProviderBridge() {}

  /** Routes every later event to {@code newListener} ({@code null} turns the bridge off). */
  public static void install(ProviderListener newListener) {
    listener = newListener;
  }

  /** Whether a listener is installed: advice may skip work that only feeds it. */
  public static boolean active() {
    return listener != null;
  }

  /** How many errors the hooks swallowed since the JVM started. Tests assert it stays 0. */
  public static long suppressedErrors() {
    return SUPPRESSED.get();
  }

  public static void started(Object connection, String provider, String library, boolean client) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.started(connection, provider, library, client);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void messageEnter(Object connection, boolean send, int wireType) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.messageEnter(connection, send, wireType);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void validateEnter(Object connection) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.validateEnter(connection);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void exit(Object connection, Throwable thrown) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.exit(connection, thrown);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void event(Object connection, String name) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.event(connection, name);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void finished(Object connection, Object session) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.finished(connection, session);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void failed(Object connection, Throwable thrown, String alert, boolean received) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.failed(connection, thrown, alert, received);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void closed(Object connection) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.closed(connection);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void alias(Object internal, Object target) {
    ProviderListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.alias(internal, target);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  /**
   * The RFC name of TLS alert {@code description} ({@code 42} -> {@code bad_certificate}), for
   * hooks that see only the number; {@code unknown} for a number no RFC assigns. Total.
   */
  public static String alertName(int description) {
    String name =
        description >= 0 && description < ALERT_NAMES.length ? ALERT_NAMES[description] : null;
    return name == null ? "unknown" : name;
  }

  /** RFC 8446 6 (and RFC 5246 7.2 for the older ones), indexed by the alert's number. */
  private static final String[] ALERT_NAMES = new String[121];

  static {
    ALERT_NAMES[0] = "close_notify";
    ALERT_NAMES[10] = "unexpected_message";
    ALERT_NAMES[20] = "bad_record_mac";
    ALERT_NAMES[21] = "decryption_failed";
    ALERT_NAMES[22] = "record_overflow";
    ALERT_NAMES[30] = "decompression_failure";
    ALERT_NAMES[40] = "handshake_failure";
    ALERT_NAMES[41] = "no_certificate";
    ALERT_NAMES[42] = "bad_certificate";
    ALERT_NAMES[43] = "unsupported_certificate";
    ALERT_NAMES[44] = "certificate_revoked";
    ALERT_NAMES[45] = "certificate_expired";
    ALERT_NAMES[46] = "certificate_unknown";
    ALERT_NAMES[47] = "illegal_parameter";
    ALERT_NAMES[48] = "unknown_ca";
    ALERT_NAMES[49] = "access_denied";
    ALERT_NAMES[50] = "decode_error";
    ALERT_NAMES[51] = "decrypt_error";
    ALERT_NAMES[60] = "export_restriction";
    ALERT_NAMES[70] = "protocol_version";
    ALERT_NAMES[71] = "insufficient_security";
    ALERT_NAMES[80] = "internal_error";
    ALERT_NAMES[86] = "inappropriate_fallback";
    ALERT_NAMES[90] = "user_canceled";
    ALERT_NAMES[100] = "no_renegotiation";
    ALERT_NAMES[109] = "missing_extension";
    ALERT_NAMES[110] = "unsupported_extension";
    ALERT_NAMES[111] = "certificate_unobtainable";
    ALERT_NAMES[112] = "unrecognized_name";
    ALERT_NAMES[113] = "bad_certificate_status_response";
    ALERT_NAMES[114] = "bad_certificate_hash_value";
    ALERT_NAMES[115] = "unknown_psk_identity";
    ALERT_NAMES[116] = "certificate_required";
    ALERT_NAMES[120] = "no_application_protocol";
  }

  private static void suppress(ProviderListener l, Throwable t) {
    SUPPRESSED.incrementAndGet();
    try {
      l.suppressed(t);
    } catch (Throwable ignored) {
      // the listener's own error report failed: counted above, nothing more to do
    }
  }
}
