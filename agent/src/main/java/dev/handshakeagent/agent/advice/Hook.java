package dev.handshakeagent.agent.advice;

/**
 * One row of the hook table: a JDK-internal method the agent instruments. Immutable.
 *
 * <p>{@code descriptor} is the JVM method descriptor; the startup check compares it with the
 * running JDK and switches {@code feature} off when it does not match.
 */
public final class Hook {

  /** JDK builds every row of the table was verified on, with {@code javap} and the test suite. */
  static final String VERIFIED = "17.0.15, 25.0.3";

  public final String className;
  public final String method;
  public final String descriptor;
  public final Feature feature;
  public final String purpose;
  public final String verifiedOn;

  private Hook(
      String className, String method, String descriptor, Feature feature, String purpose) {
    this.className = className;
    this.method = method;
    this.descriptor = descriptor;
    this.feature = feature;
    this.purpose = purpose;
    this.verifiedOn = VERIFIED;
  }

  static Hook of(
      String className, String method, String descriptor, Feature feature, String purpose) {
    return new Hook(className, method, descriptor, feature, purpose);
  }

  @Override
  public String toString() {
    return className + "." + method + descriptor;
  }

  /** Groups of hooks that are switched on or off together. */
  public enum Feature {
    /** Handshake start, success and failure: without these the agent traces nothing. */
    CORE,
    /** Phase spans: messages consumed and produced. */
    PHASES,
    /** The {@code validate certificate chain} work span. */
    TRUST,
    /** Ending handshakes that the application closes mid-way. */
    CLOSE,
    /** The {@code check revocation} span and its OCSP/CRL fetch children (java.base certpath). */
    REVOCATION
  }
}
