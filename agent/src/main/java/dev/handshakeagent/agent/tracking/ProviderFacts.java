package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.tracking.tcnative.BoringSslSessions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The {@link HandshakeFacts} of a handshake run by another TLS provider ({@link ProviderTracker}),
 * read on the export thread from public API only: the {@code SSLSession} the provider gave at the
 * end (or the handshake session of a failure), the peer values the record took at the end, and what
 * the tracker stored on the handshake thread (client authentication, ALPN). No provider class is
 * named and, here on the export thread, only session getters are called: nothing that could block
 * or take the application's locks.
 */
final class ProviderFacts {

  /** The cipher suite a session has before one was negotiated. */
  private static final String NULL_CIPHER_SUITE = "SSL_NULL_WITH_NULL_NULL";

  /** Event a provider reports when the handshake resumed a session. */
  static final String SESSION_REUSED = "session_reused";

  private ProviderFacts() {}

  static HandshakeFacts read(HandshakeRecord r) {
    HandshakeFacts f = new HandshakeFacts();
    Object session = r.endSession();
    if (session instanceof SSLSession) {
      SSLSession s = (SSLSession) session;
      String protocol = s.getProtocol();
      // Before a version was negotiated: NONE (JDK sessions), empty (netty-tcnative's).
      f.protocol =
          protocol == null || protocol.isEmpty() || "NONE".equals(protocol) ? null : protocol;
      String cipher = s.getCipherSuite();
      f.cipherSuite = cipher == null || NULL_CIPHER_SUITE.equals(cipher) ? null : cipher;
      f.localChain = x509(s.getLocalCertificates());
      try {
        f.peerChain = x509(s.getPeerCertificates());
      } catch (SSLPeerUnverifiedException | RuntimeException e) {
        f.peerChain = null;
      }
      if (s instanceof ExtendedSSLSession) {
        try {
          f.requestedServerName = firstHostName(((ExtendedSSLSession) s).getRequestedServerNames());
        } catch (RuntimeException e) {
          f.requestedServerName = null; // UnsupportedOperationException from older sessions
        }
      }
      if (r.engine) {
        f.peerHost = s.getPeerHost();
        f.peerPort = s.getPeerPort();
      } else {
        // SSLSocket: the host the application gave, as the session keeps it (no DNS).
        f.peerHost = s.getPeerHost();
      }
    }
    // Kept at the end where the session goes with its connection: it may be gone by now.
    if (f.localChain == null && r.localChain() instanceof Certificate[]) {
      f.localChain = x509((Certificate[]) r.localChain());
    }
    if (f.peerChain == null && r.peerChain() instanceof Certificate[]) {
      f.peerChain = x509((Certificate[]) r.peerChain());
    }
    Object alert = r.alert();
    f.alertDescription = alert instanceof String ? (String) alert : null;
    if (r.engine) {
      if (r.peerHost() != null) {
        f.peerHost = r.peerHost();
      }
      if (r.peerPort() > 0) {
        f.peerPort = r.peerPort();
      }
    } else {
      f.socketPeerAddress = r.socketPeerAddress();
      f.socketPeerPort = r.socketPeerPort();
      f.socketLocalPort = r.socketLocalPort();
      f.peerPort = f.socketPeerPort;
    }
    return f;
  }

  /**
   * Adds resumption, ALPN and the server's client authentication. Idempotent; export thread, before
   * the record's end objects are released.
   */
  static void readDetail(HandshakeRecord r, HandshakeFacts f) {
    f.serverClientAuth = r.client ? null : r.serverClientAuth;
    Object session = r.endSession();
    boolean succeeded = r.outcome() == HandshakeRecord.Outcome.SUCCEEDED;
    f.resumed = r.hasEvent(SESSION_REUSED);
    if (!f.resumed && succeeded && session instanceof SSLSession) {
      // A resumed session was created by an earlier handshake.
      long created = ((SSLSession) session).getCreationTime();
      // BoringSSL keeps it in whole seconds: compared with the second the handshake started in
      // (two handshakes within one second then look new); Java providers keep milliseconds.
      long start =
          BoringSslSessions.wholeSecondSessionTimes(r.provider())
              ? r.startEpochMillis - r.startEpochMillis % 1000
              : r.startEpochMillis;
      f.resumed = created > 0 && created < start;
    }
    if (!f.resumed
        && succeeded
        && r.client
        && BoringSslSessions.validatesEveryFullClientHandshake(r.provider())) {
      f.resumed = !hasPhase(r, Frame.Kind.VALIDATE_CHAIN);
    }
    f.applicationProtocol = succeeded ? r.applicationProtocol : null;
  }

  private static boolean hasPhase(HandshakeRecord r, Frame.Kind kind) {
    for (Frame fr : r.phases()) {
      if (fr.kind == kind) {
        return true;
      }
    }
    return false;
  }

  /**
   * The negotiated ALPN value of a connection whose handshake just finished, or null (none
   * negotiated, or a provider without ALPN). Called by {@link ProviderTracker} on the thread that
   * finished the handshake: providers that lock the connection already hold that lock there.
   */
  static String applicationProtocol(Object connection) {
    try {
      String p = null;
      if (connection instanceof SSLEngine) {
        p = ((SSLEngine) connection).getApplicationProtocol();
      } else if (connection instanceof SSLSocket) {
        p = ((SSLSocket) connection).getApplicationProtocol();
      }
      return p == null || p.isEmpty() ? null : p;
    } catch (RuntimeException | AbstractMethodError e) {
      return null;
    }
  }

  private static String firstHostName(List<SNIServerName> names) {
    if (names == null) {
      return null;
    }
    for (SNIServerName n : names) {
      if (n instanceof SNIHostName) {
        return ((SNIHostName) n).getAsciiName();
      }
      if (n != null && n.getType() == 0) {
        return new SNIHostName(n.getEncoded()).getAsciiName();
      }
    }
    return null;
  }

  private static X509Certificate[] x509(Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return null;
    }
    X509Certificate[] out = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      if (!(chain[i] instanceof X509Certificate)) {
        return null;
      }
      out[i] = (X509Certificate) chain[i];
    }
    return out;
  }
}
