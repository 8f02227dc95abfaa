package dev.handshakeagent.bridge;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only class that advice inlined into {@code java.base} calls.
 *
 * <p>It is appended to the boot class path by the agent, uses JDK types only, and does nothing
 * until the agent {@link #install installs} a listener. Every method is total: whatever the
 * listener throws is caught, counted in {@link #suppressedErrors()} and handed to {@link
 * HandshakeListener#suppressed}, so no exception from the agent ever reaches the application.
 */
public final class HandshakeBridge {

  private static volatile HandshakeListener listener;
  private static final AtomicLong SUPPRESSED = new AtomicLong();

  private HandshakeBridge() {}

  /** Routes every later event to {@code newListener} ({@code null} turns the bridge off). */
  public static void install(HandshakeListener newListener) {
    listener = newListener;
  }

  /** How many errors the hooks swallowed since the JVM started. Tests assert it stays 0. */
  public static long suppressedErrors() {
    return SUPPRESSED.get();
  }

  public static void engineCreated(Object engine) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.engineCreated(engine);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void handshakeStarted(Object handshakeContext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.handshakeStarted(handshakeContext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void postHandshakeStarted(Object postHandshakeContext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.postHandshakeStarted(postHandshakeContext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void consumeEnter(Object handshakeContext, byte type, ByteBuffer message) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.consumeEnter(handshakeContext, type, message);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void changeCipherSpecEnter(Object transportContext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.changeCipherSpecEnter(transportContext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void produceEnter(Object handshakeContext, String producer) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.produceEnter(handshakeContext, producer);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void trustCheckEnter(Object handshakeContext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.trustCheckEnter(handshakeContext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void revocationCheckEnter(Object certificate) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.revocationCheckEnter(certificate);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void revocationFetchEnter(Object context, Object uri, boolean ocsp) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.revocationFetchEnter(context, uri, ocsp);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void revocationFetchExit(Object context, boolean network, Throwable thrown) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.revocationFetchExit(context, network, thrown);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void frameExit(Object context, Object result, Throwable thrown) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.frameExit(context, result, thrown);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void messageWritten(Object message, Object outStream) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.messageWritten(message, outStream);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void messageComplete(Object outStream) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.messageComplete(outStream);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void handshakeFinished(Object transportContext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.handshakeFinished(transportContext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void fatal(
      Object transportContext,
      Object alert,
      String message,
      boolean received,
      Throwable cause,
      Throwable thrown) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.fatal(transportContext, alert, message, received, cause, thrown);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void closing(Object transportContext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.closing(transportContext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  public static void recordDecoded(Object transportContext, Object plaintext) {
    HandshakeListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.recordDecoded(transportContext, plaintext);
    } catch (Throwable t) {
      suppress(l, t);
    }
  }

  private static void suppress(HandshakeListener l, Throwable t) {
    SUPPRESSED.incrementAndGet();
    try {
      l.suppressed(t);
    } catch (Throwable ignored) {
      // The listener's own error reporting failed; the count above still tells.
    }
  }
}
