package dev.handshakeagent.agent.tracking.tcnative;

/**
 * What the sessions of BoringSSL over JNI (netty-tcnative's OpenSSL, Conscrypt) tell, and when.
 * Whether a client handshake resumed a session is told by what the hooks saw: BoringSSL calls the
 * Java trust manager on every full client handshake and never on a resumed one, so a successful
 * client handshake without a {@code validate certificate chain} step resumed. This also holds for
 * TLS 1.3, whose resumed sessions carry a new creation time.
 */
public final class BoringSslSessions {
  private BoringSslSessions() {}

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

  /**
   * Whether {@code provider}'s session gives its certificates only while the connection is open
   * (BoringSSL's session goes with the connection): they are then kept when the handshake ends,
   * where reading them is an array copy.
   */
  public static boolean certificatesGoWithTheConnection(String provider) {
    return isBoringSsl(provider);
  }

  private static boolean isBoringSsl(String provider) {
    return "OpenSSL".equals(provider) || "Conscrypt".equals(provider);
  }
}
