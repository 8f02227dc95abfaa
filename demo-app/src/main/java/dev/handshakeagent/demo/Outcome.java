package dev.handshakeagent.demo;

import java.io.EOFException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSession;

/**
 * What one side of a connection saw, as the application sees it: a negotiated session, or the
 * exception it got. Nothing here looks inside the TLS implementation.
 */
final class Outcome {
  /** Where a failure reached the application. */
  enum Stage {
    HANDSHAKE("during the handshake"),
    /** The handshake returned, then the first read or write failed (TLS 1.3 client auth). */
    AFTER_HANDSHAKE("after the handshake"),
    /** The side never got to run (for example the server of a connection that never came). */
    NOT_REACHED("not reached");

    final String text;

    Stage(String text) {
      this.text = text;
    }
  }

  /**
   * Newer JDKs (25, and 17 from 17.0.21) put the alert first: {@code (certificate_unknown) PKIX
   * path ...}.
   */
  private static final Pattern LOCAL_ALERT = Pattern.compile("^\\(([a-z_0-9]+)\\) ");

  /** The side that received the alert: {@code Received fatal alert: certificate_unknown}. */
  private static final Pattern RECEIVED_ALERT =
      Pattern.compile("Received fatal alert: ([a-z_0-9]+)");

  private final SSLSession session;
  private final Throwable failure;
  private final Stage stage;
  private final Duration handshake;

  private Outcome(SSLSession session, Throwable failure, Stage stage, Duration handshake) {
    this.session = session;
    this.failure = failure;
    this.stage = stage;
    this.handshake = handshake;
  }

  /** A completed handshake; {@code handshake} is null when the application cannot time it. */
  static Outcome ok(SSLSession session, Duration handshake) {
    return new Outcome(session, null, null, handshake);
  }

  static Outcome failed(Throwable failure, Stage stage, Duration handshake) {
    return new Outcome(null, failure, stage, handshake);
  }

  static Outcome notReached(String why) {
    return new Outcome(null, new IllegalStateException(why), Stage.NOT_REACHED, null);
  }

  boolean isOk() {
    return failure == null;
  }

  /** The negotiated protocol of a successful handshake, else null. */
  String protocol() {
    return session == null ? null : session.getProtocol();
  }

  /** The session of a successful handshake (for resumption checks), else null. */
  SSLSession session() {
    return session;
  }

  Duration handshake() {
    return handshake;
  }

  /** The alert named in the exception message or its causes, if any. */
  Optional<String> alert() {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message == null) {
        continue;
      }
      Matcher local = LOCAL_ALERT.matcher(message);
      if (local.find()) {
        return Optional.of(local.group(1));
      }
      Matcher received = RECEIVED_ALERT.matcher(message);
      if (received.find()) {
        return Optional.of(received.group(1));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the failure came from the connection itself (reset, closed, end of stream) rather than
   * from TLS. When one side rejects the handshake and closes while the peer's data is still unread,
   * the peer can get a TCP reset instead of the alert: such a side can only be required to fail.
   */
  boolean isTransportFailure() {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SocketException
          || t instanceof EOFException
          || t instanceof ClosedChannelException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("Connection reset")
          || message.contains("Broken pipe")
          || message.contains("Remote host terminated")
          || message.contains("before receiving peer's close_notify")) {
        return true;
      }
    }
    return false;
  }

  /** One short token for the result line: {@code OK TLSv1.3 TLS_AES_256_GCM_SHA384 (12 ms)}. */
  String summary() {
    StringBuilder s = new StringBuilder();
    if (isOk()) {
      s.append("OK ").append(session.getProtocol()).append(' ').append(session.getCipherSuite());
    } else if (stage == Stage.NOT_REACHED) {
      s.append("NOT-REACHED");
    } else {
      s.append("FAILED ")
          .append(alert().orElse(isTransportFailure() ? "connection-lost" : "no-alert-in-message"));
      if (stage == Stage.AFTER_HANDSHAKE) {
        s.append(" (after handshake)");
      }
    }
    if (handshake != null) {
      s.append(" (").append(handshake.toMillis()).append(" ms)");
    }
    return s.toString();
  }

  /** The exception as the application got it, for the detail line of a failure. */
  String detail() {
    if (isOk()) {
      return summary();
    }
    return failure.getClass().getName() + ": " + failure.getMessage() + " [" + stage.text + "]";
  }
}
