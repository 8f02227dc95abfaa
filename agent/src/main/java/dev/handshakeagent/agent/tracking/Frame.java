package dev.handshakeagent.agent.tracking;

import java.util.ArrayList;

/**
 * One timed step of a handshake on one thread: a message consumed or produced, or the trust
 * manager's chain validation. Frames nest the way the JDK nests the work (a TLS 1.3 server produces
 * its whole first flight inside {@code consume(client_hello)}); a produce frame is named by the
 * message it writes, and one that writes nothing is dropped, its children moving up to its parent.
 *
 * <p>Written by the handshake thread (or the SSLEngine delegated-task thread holding the engine
 * lock), read by the export thread after the record ended.
 */
public final class Frame {
  /** What the frame is. */
  public enum Kind {
    RECEIVE,
    SEND,
    VALIDATE_CHAIN,
    /** A fatal alert after the handshake finished (a TLS 1.3 server rejecting the client late). */
    ALERT,
    /** The PKIX revocation check of one certificate, inside VALIDATE_CHAIN. */
    CHECK_REVOCATION,
    /** One OCSP request to a responder, inside CHECK_REVOCATION. */
    FETCH_OCSP,
    /** One CRL download from a distribution point, inside CHECK_REVOCATION. */
    FETCH_CRL
  }

  final HandshakeRecord record;

  /**
   * The JDK context the frame was opened with; cleared when it closes (it must not keep it alive).
   */
  Object context;

  final Kind kind;
  final Frame parent;
  final long startNanos;
  long endNanos;

  /** Wire type of a received message (or of any message a provider reports), -1 otherwise. */
  int wireType = -1;

  /** A received server_hello carrying the HelloRetryRequest random. */
  boolean helloRetry;

  /**
   * The JDK's {@code SSLHandshake} constant name of a sent message ({@code CLIENT_HELLO}), or
   * {@code CHANGE_CIPHER_SPEC}; null while a producer frame has written nothing.
   */
  String jdkMessageName;

  Throwable error;

  /** ALERT frames: the alert's RFC name and whether it was received from the peer. */
  String alertDescription;

  boolean alertReceived;

  /** CHECK_REVOCATION: the certificate checked (formatted later, on the export thread). */
  Object certificate;

  /** FETCH_*: the {@code java.net.URI} fetched. */
  Object url;

  /** FETCH_CRL answered from the JDK's cache: no request was made, so no span. */
  boolean cached;

  Frame(HandshakeRecord record, Object context, Kind kind, Frame parent, long startNanos) {
    this.record = record;
    this.context = context;
    this.kind = kind;
    this.parent = parent;
    this.startNanos = startNanos;
  }

  /**
   * Opens a frame of {@code r} (null: a frame no handshake owns, kept only for its exit) on the
   * thread's {@code stack}, inside the innermost open frame of the same record.
   */
  static Frame push(ArrayList<Frame> stack, HandshakeRecord r, Object context, Kind kind) {
    long now = System.nanoTime();
    Frame parent = null;
    if (r != null) {
      for (int i = stack.size() - 1; i >= 0; i--) {
        if (stack.get(i).record == r) {
          parent = stack.get(i);
          break;
        }
      }
      r.frameOpened(now);
    }
    Frame f = new Frame(r, context, kind, parent, now);
    stack.add(f);
    return f;
  }

  public Kind kind() {
    return kind;
  }

  /** The nearest enclosing frame that is exported, or null when the root is the parent. */
  public Frame exportedParent() {
    Frame p = parent;
    while (p != null && !p.isExported()) {
      p = p.parent;
    }
    return p;
  }

  /**
   * Whether this frame becomes a span: every frame but a producer that wrote nothing (a provider's
   * send frame is named by its wire type from the start).
   */
  public boolean isExported() {
    return (kind != Kind.SEND || jdkMessageName != null || wireType >= 0) && !cached;
  }

  public int wireType() {
    return wireType;
  }

  public boolean helloRetry() {
    return helloRetry;
  }

  public String jdkMessageName() {
    return jdkMessageName;
  }

  public long startNanos() {
    return startNanos;
  }

  public long endNanos() {
    return endNanos;
  }

  public Throwable error() {
    return error;
  }

  public String alertDescription() {
    return alertDescription;
  }

  public boolean alertReceived() {
    return alertReceived;
  }

  /**
   * The certificate a revocation frame is about: its own for CHECK_REVOCATION, the enclosing
   * check's for a fetch; null otherwise.
   */
  public Object certificate() {
    for (Frame f = this; f != null; f = f.parent) {
      if (f.kind == Kind.CHECK_REVOCATION) {
        return f.certificate;
      }
    }
    return null;
  }

  /** FETCH_*: the URI fetched; null otherwise. */
  public Object url() {
    return url;
  }

  /** Whether this is a network fetch of revocation status. */
  public boolean isFetch() {
    return kind == Kind.FETCH_OCSP || kind == Kind.FETCH_CRL;
  }

  /** A zero-length frame for a fatal alert on an established connection. */
  static Frame alert(String description, boolean received, Throwable thrown, long now) {
    Frame f = new Frame(null, null, Kind.ALERT, null, now);
    f.endNanos = now;
    f.alertDescription = description;
    f.alertReceived = received;
    f.error = thrown;
    return f;
  }
}
