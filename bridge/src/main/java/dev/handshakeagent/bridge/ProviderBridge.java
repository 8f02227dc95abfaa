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

  private static void suppress(ProviderListener l, Throwable t) {
    SUPPRESSED.incrementAndGet();
    try {
      l.suppressed(t);
    } catch (Throwable ignored) {
      // the listener's own error report failed: counted above, nothing more to do
    }
  }
}
