package dev.handshakeagent.agent.tracking.tcnative;

/**
 * Whether a client handshake of BoringSSL over JNI (netty-tcnative's OpenSSL, Conscrypt) resumed a
 * session, told by what the hooks saw: BoringSSL calls the Java trust manager on every full client
 * handshake and never on a resumed one, so a successful client handshake without a {@code validate
 * certificate chain} step resumed. This also holds for TLS 1.3, whose resumed sessions carry a new
 * creation time.
 */
public final class NativeResumption {
  private NativeResumption() {}

  /** Whether {@code provider}'s client handshakes always validate the chain unless resumed. */
  public static boolean validatesEveryFullClientHandshake(String provider) {
    return isBoringSsl(provider);
  }

  /**
   * Whether {@code provider}'s sessions tell their creation time in whole seconds (BoringSSL keeps
   * it so), not in the milliseconds of Java providers.
   */
  public static boolean wholeSecondSessionTimes(String provider) {
    return isBoringSsl(provider);
  }

  private static boolean isBoringSsl(String provider) {
    return "OpenSSL".equals(provider) || "Conscrypt".equals(provider);
  }
}
