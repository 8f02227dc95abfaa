package dev.handshakeagent.agent.jdk;

/**
 * One internal class, method or field of a TLS provider other than SunJSSE that a hook relies on
 * (BCJSSE, netty-tcnative, Conscrypt). Provider classes are not loaded when the agent starts, so
 * these rows are checked when Byte Buddy first matches the class, against its type description,
 * before any advice is applied ({@code advice.ProviderCheck}); a row that does not hold switches
 * the whole provider off with one warning line. Immutable.
 *
 * <p>Names are written as the provider's own build spells them ({@code
 * io.netty.handler.ssl.ReferenceCountedOpenSslEngine}); a relocated copy ({@code
 * io.grpc.netty.shaded.io.netty...}) matches by what follows its prefix, descriptors included.
 */
public final class ProviderRow {

  /** What a row names. */
  public enum Kind {
    /** The class exists (it was matched). */
    CLASS,
    /** A declared method with this name and JVM descriptor ({@code <init>} for a constructor). */
    METHOD,
    /** A declared field with this name and JVM type descriptor. */
    FIELD
  }

  public final Kind kind;

  /** The provider, as {@code handshake.provider} names it ({@code BCJSSE}). */
  public final String provider;

  /** Binary class name without any relocation prefix. */
  public final String className;

  /** Method or field name; null for a class row. */
  public final String name;

  /** JVM descriptor without relocation prefixes; null for a class row. */
  public final String descriptor;

  /** Why a hook needs it, in a few words. */
  public final String purpose;

  /** Provider versions this row was verified on. */
  public final String verifiedOn;

  private ProviderRow(
      Kind kind,
      String provider,
      String className,
      String name,
      String descriptor,
      String purpose,
      String verifiedOn) {
    this.kind = kind;
    this.provider = provider;
    this.className = className;
    this.name = name;
    this.descriptor = descriptor;
    this.purpose = purpose;
    this.verifiedOn = verifiedOn;
  }

  /** A method row. */
  public static ProviderRow method(
      String provider,
      String className,
      String name,
      String descriptor,
      String purpose,
      String verifiedOn) {
    return new ProviderRow(Kind.METHOD, provider, className, name, descriptor, purpose, verifiedOn);
  }

  /** A field row. */
  public static ProviderRow field(
      String provider,
      String className,
      String name,
      String descriptor,
      String purpose,
      String verifiedOn) {
    return new ProviderRow(Kind.FIELD, provider, className, name, descriptor, purpose, verifiedOn);
  }

  /** The same row naming another member (tests build mismatching rows this way). */
  public ProviderRow renamed(String newName) {
    return new ProviderRow(kind, provider, className, newName, descriptor, purpose, verifiedOn);
  }

  /** The form the warning line uses: {@code class.method(descriptor)}, {@code class.field:type}. */
  @Override
  public String toString() {
    switch (kind) {
      case CLASS:
        return "class " + className;
      case METHOD:
        return className + "." + name + descriptor;
      default:
        return className + "." + name + ":" + descriptor;
    }
  }
}
