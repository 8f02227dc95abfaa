package dev.handshakeagent.agent.jdk;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One row of the {@link JdkModel}: a JDK-internal class, method, field or string constant the agent
 * relies on, the provider it belongs to, the features that need it and the JDK builds it was
 * verified on. Immutable.
 */
public final class JdkRow {

  /** What a row names, and so how {@link JdkCheck} verifies it in the class file. */
  public enum Kind {
    /** The class exists. */
    CLASS,
    /**
     * A declared method with this name and JVM method descriptor ({@code <init>} for a
     * constructor).
     */
    METHOD,
    /** A declared field with this name and JVM type descriptor (enum constants included). */
    FIELD,
    /** A UTF-8 entry of the class's constant pool contains this text (messages, names). */
    STRING
  }

  public final Kind kind;

  /** The TLS provider whose internals these are ({@code SunJSSE}). */
  public final String provider;

  /** Binary name ({@code sun.security.ssl.CertificateMessage$CertificateEntry}). */
  public final String className;

  /** Method or field name, or the text of a {@link Kind#STRING} row; null for a class row. */
  public final String name;

  /** JVM method or field descriptor; null for class and string rows. */
  public final String descriptor;

  /** Features switched off when this row does not hold (never empty). */
  public final Set<Feature> features;

  /** Why the agent needs it, in a few words. */
  public final String purpose;

  /** JDK builds this row was verified on, with {@code javap} and the test suite. */
  public final String verifiedOn;

  private final String lowerCase;

  JdkRow(
      Kind kind,
      String provider,
      String className,
      String name,
      String descriptor,
      Set<Feature> features,
      String purpose,
      String verifiedOn) {
    if (features.isEmpty()) {
      throw new IllegalArgumentException("a row needs a feature: " + className + " " + name);
    }
    this.kind = kind;
    this.provider = provider;
    this.className = className;
    this.name = name;
    this.descriptor = descriptor;
    this.features = Collections.unmodifiableSet(EnumSet.copyOf(features));
    this.purpose = purpose;
    this.verifiedOn = verifiedOn;
    this.lowerCase = name == null ? null : name.toLowerCase(Locale.ROOT);
  }

  /** A row verified on {@code verifiedOn}; {@code name} and {@code descriptor} as for its kind. */
  static JdkRow of(
      Kind kind,
      String provider,
      String className,
      String name,
      String descriptor,
      String purpose,
      String verifiedOn,
      Feature first,
      Feature... more) {
    return new JdkRow(
        kind, provider, className, name, descriptor, EnumSet.of(first, more), purpose, verifiedOn);
  }

  /** The same row naming another member or text (tests build mismatching rows this way). */
  public JdkRow renamed(String newName) {
    return new JdkRow(
        kind, provider, className, newName, descriptor, features, purpose, verifiedOn);
  }

  /** The same row with another descriptor. */
  public JdkRow withDescriptor(String newDescriptor) {
    return new JdkRow(
        kind, provider, className, name, newDescriptor, features, purpose, verifiedOn);
  }

  /** The same row in another class. */
  public JdkRow inClass(String newClassName) {
    return new JdkRow(
        kind, provider, newClassName, name, descriptor, features, purpose, verifiedOn);
  }

  /** A string row's text in lower case, for case-insensitive matching of messages. */
  public String lowerCase() {
    return lowerCase;
  }

  /** Whether {@code enabled} has every feature that needs this row. */
  public boolean enabledIn(Set<Feature> enabled) {
    return enabled.containsAll(features);
  }

  /** The form the warning line uses: {@code class.method(descriptor)}, {@code class.field:type}. */
  @Override
  public String toString() {
    switch (kind) {
      case CLASS:
        return "class " + className;
      case METHOD:
        return className + "." + name + descriptor;
      case FIELD:
        return className + "." + name + ":" + descriptor;
      default:
        return className + " \"" + name + "\"";
    }
  }
}
