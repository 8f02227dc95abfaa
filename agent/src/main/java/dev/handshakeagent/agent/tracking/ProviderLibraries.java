package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.tracking.conscrypt.ConscryptLibrary;
import dev.handshakeagent.agent.tracking.tcnative.TcnativeLibrary;

/**
 * {@code handshake.provider.library} for a provider whose hooks cannot name it (the advice sees
 * only JDK types): each provider's folder works it out from the connection's class, once per class.
 */
final class ProviderLibraries {
  private ProviderLibraries() {}

  static String of(String provider, Object connection) {
    switch (provider) {
      case "OpenSSL":
        return TcnativeLibrary.of(connection);
      case "Conscrypt":
        return ConscryptLibrary.of(connection);
      default:
        return null;
    }
  }
}
