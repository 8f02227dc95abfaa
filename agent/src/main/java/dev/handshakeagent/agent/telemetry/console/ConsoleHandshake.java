package dev.handshakeagent.agent.telemetry.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One finished handshake, as the console waterfall shows it: plain JDK types only, no
 * OpenTelemetry, immutable once built. The agent's export thread builds one per handshake with
 * {@link #builder()}; {@link ConsoleRenderer} turns it into text.
 *
 * <p>Nothing is validated beyond {@code null} checks on the outcome and on phases: every string may
 * be {@code null} (the renderer leaves it out) and numbers are taken as given (the renderer clamps
 * negative ones to zero). Times are nanoseconds; phase offsets are relative to the handshake's
 * start.
 */
public final class ConsoleHandshake {

  /** How the handshake ended. */
  public enum Outcome {
    /** Established. */
    OK,
    /** Ended by an alert or an exception. */
    FAILED,
    /** Closed, timed out or discarded before it finished. */
    ABANDONED
  }

  /**
   * One phase span under the root: a handshake message sent or received, or a work step such as
   * {@code validate certificate chain}. Immutable.
   */
  public static final class Phase {
    private final String name;
    private final int depth;
    private final long offsetNanos;
    private final long durationNanos;
    private final boolean failed;

    /**
     * @param name the span name, e.g. {@code send client_hello}
     * @param depth nesting under the root: 0 for a direct child of the root, 1 for a phase inside
     *     that one, ...; a negative value is taken as 0
     * @param offsetNanos start, relative to the handshake's start
     * @param durationNanos how long the phase ran
     * @param failed whether the handshake failed in this phase
     */
    public Phase(String name, int depth, long offsetNanos, long durationNanos, boolean failed) {
      this.name = name;
      this.depth = Math.max(0, depth);
      this.offsetNanos = offsetNanos;
      this.durationNanos = durationNanos;
      this.failed = failed;
    }

    /** The span name; may be {@code null}. */
    public String name() {
      return name;
    }

    /** Nesting under the root, 0 for a direct child; never negative. */
    public int depth() {
      return depth;
    }

    /** Start, in nanoseconds after the handshake's start. */
    public long offsetNanos() {
      return offsetNanos;
    }

    /** Duration in nanoseconds. */
    public long durationNanos() {
      return durationNanos;
    }

    /** Whether the handshake failed in this phase. */
    public boolean failed() {
      return failed;
    }

    @Override
    public String toString() {
      return "Phase{"
          + name
          + ", depth="
          + depth
          + ", offsetNanos="
          + offsetNanos
          + ", durationNanos="
          + durationNanos
          + (failed ? ", failed" : "")
          + "}";
    }
  }

  private final String role;
  private final String peer;
  private final String api;
  private final String protocol;
  private final String cipher;
  private final long durationNanos;
  private final Outcome outcome;
  private final String errorType;
  private final String alertOrigin;
  private final String failedPhase;
  private final String message;
  private final boolean resumed;
  private final boolean helloRetry;
  private final List<Phase> phases;

  private ConsoleHandshake(Builder b) {
    this.role = b.role;
    this.peer = b.peer;
    this.api = b.api;
    this.protocol = b.protocol;
    this.cipher = b.cipher;
    this.durationNanos = b.durationNanos;
    this.outcome = b.outcome;
    this.errorType = b.errorType;
    this.alertOrigin = b.alertOrigin;
    this.failedPhase = b.failedPhase;
    this.message = b.message;
    this.resumed = b.resumed;
    this.helloRetry = b.helloRetry;
    this.phases = List.copyOf(b.phases);
  }

  /** A builder with outcome {@link Outcome#OK}, no phases and every string {@code null}. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code client} or {@code server}; may be {@code null}. */
  public String role() {
    return role;
  }

  /** The peer as {@code host:port}; may be {@code null}. */
  public String peer() {
    return peer;
  }

  /** {@code SSLSocket} or {@code SSLEngine}; may be {@code null}. */
  public String api() {
    return api;
  }

  /** The negotiated protocol, e.g. {@code TLSv1.3}; {@code null} when none was negotiated. */
  public String protocol() {
    return protocol;
  }

  /** The negotiated cipher suite; {@code null} when none was negotiated. */
  public String cipher() {
    return cipher;
  }

  /** The whole handshake's duration in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** How the handshake ended; never {@code null}. */
  public Outcome outcome() {
    return outcome;
  }

  /** The alert name, {@code abandoned} or an exception class; {@code null} on success. */
  public String errorType() {
    return errorType;
  }

  /** {@code local}, {@code peer} or {@code null}. */
  public String alertOrigin() {
    return alertOrigin;
  }

  /** The name of the phase the handshake failed in, or {@code null}. */
  public String failedPhase() {
    return failedPhase;
  }

  /** The exception message (or abandon reason), or {@code null}. */
  public String message() {
    return message;
  }

  /** Whether the session was resumed. */
  public boolean resumed() {
    return resumed;
  }

  /** Whether a HelloRetryRequest happened. */
  public boolean helloRetry() {
    return helloRetry;
  }

  /** The phases in start order; unmodifiable. */
  public List<Phase> phases() {
    return phases;
  }

  /**
   * Collects the fields of a {@link ConsoleHandshake}. Not thread-safe; {@link #build()} copies, so
   * a builder may be reused.
   */
  public static final class Builder {
    private String role;
    private String peer;
    private String api;
    private String protocol;
    private String cipher;
    private long durationNanos;
    private Outcome outcome = Outcome.OK;
    private String errorType;
    private String alertOrigin;
    private String failedPhase;
    private String message;
    private boolean resumed;
    private boolean helloRetry;
    private final List<Phase> phases = new ArrayList<>();

    private Builder() {}

    /** {@code client} or {@code server}. */
    public Builder role(String role) {
      this.role = role;
      return this;
    }

    /** The peer as {@code host:port}. */
    public Builder peer(String peer) {
      this.peer = peer;
      return this;
    }

    /** {@code SSLSocket} or {@code SSLEngine}. */
    public Builder api(String api) {
      this.api = api;
      return this;
    }

    /** The negotiated protocol, e.g. {@code TLSv1.3}. */
    public Builder protocol(String protocol) {
      this.protocol = protocol;
      return this;
    }

    /** The negotiated cipher suite. */
    public Builder cipher(String cipher) {
      this.cipher = cipher;
      return this;
    }

    /** The whole handshake's duration in nanoseconds. */
    public Builder durationNanos(long durationNanos) {
      this.durationNanos = durationNanos;
      return this;
    }

    /** How the handshake ended; not {@code null}. */
    public Builder outcome(Outcome outcome) {
      this.outcome = Objects.requireNonNull(outcome, "outcome");
      return this;
    }

    /** The alert name, {@code abandoned} or an exception class. */
    public Builder errorType(String errorType) {
      this.errorType = errorType;
      return this;
    }

    /** {@code local} or {@code peer}. */
    public Builder alertOrigin(String alertOrigin) {
      this.alertOrigin = alertOrigin;
      return this;
    }

    /** The name of the phase the handshake failed in. */
    public Builder failedPhase(String failedPhase) {
      this.failedPhase = failedPhase;
      return this;
    }

    /** The exception message or abandon reason. */
    public Builder message(String message) {
      this.message = message;
      return this;
    }

    /** Whether the session was resumed. */
    public Builder resumed(boolean resumed) {
      this.resumed = resumed;
      return this;
    }

    /** Whether a HelloRetryRequest happened. */
    public Builder helloRetry(boolean helloRetry) {
      this.helloRetry = helloRetry;
      return this;
    }

    /** Appends a phase; phases are expected in start order. */
    public Builder phase(Phase phase) {
      phases.add(Objects.requireNonNull(phase, "phase"));
      return this;
    }

    /** Appends a phase; see {@link Phase#Phase(String, int, long, long, boolean)}. */
    public Builder phase(
        String name, int depth, long offsetNanos, long durationNanos, boolean failed) {
      return phase(new Phase(name, depth, offsetNanos, durationNanos, failed));
    }

    /** An immutable handshake with this builder's current fields. */
    public ConsoleHandshake build() {
      return new ConsoleHandshake(this);
    }
  }
}
