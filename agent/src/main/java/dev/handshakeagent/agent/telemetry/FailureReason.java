package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import dev.handshakeagent.agent.tracking.tcnative.BoringSslErrors;
import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.PKIXReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cause of a failed handshake as one value of a closed set ({@code handshake.failure_reason}),
 * for metrics and alerting, and the case {@link Diagnosis} explains in a sentence: the one place
 * where a failure's cause is worked out.
 *
 * <p>The cause is read from what does not change between updates of a JDK line: the exception chain
 * of the side that rejected something (a {@link CertificateExpiredException}, a {@link
 * CertPathValidatorException} reason, a {@link CertPathBuilderException}), the messages the
 * handshake reached (a certificate_request, a server_hello) and which side sent the alert. Alert
 * names alone are not trusted for certificate causes: JDK 17.0.15 sends {@code certificate_unknown}
 * for an expired certificate where 17.0.21 and 25 send {@code certificate_expired}, and {@code
 * bad_certificate} for a missing client certificate where they send {@code certificate_required}
 * (TLS 1.3) or {@code handshake_failure} (TLS 1.2). The side whose certificate was rejected only
 * learns an alert, so it gets {@link #PEER_REJECTED_CERTIFICATE} or {@link
 * #CLIENT_CERTIFICATE_REJECTED} whatever that alert's name. Runs on the export thread.
 */
enum FailureReason {
  /** The peer's certificate (or one in its chain) is past its not_after. */
  CERTIFICATE_EXPIRED("certificate_expired"),
  /** The peer's certificate (or one in its chain) is before its not_before. */
  CERTIFICATE_NOT_YET_VALID("certificate_not_yet_valid"),
  /** Client: the server's certificate does not cover the host name asked for. */
  HOSTNAME_MISMATCH("hostname_mismatch"),
  /**
   * The peer's chain leads to no trust anchor here, or the validator refused it for another reason
   * (signature, key usage, algorithm constraints).
   */
  UNTRUSTED_CERTIFICATE("untrusted_certificate"),
  /** Revocation checking found the peer's certificate revoked. */
  CERTIFICATE_REVOKED("certificate_revoked"),
  /** The server required a client certificate and the client sent none (seen on either side). */
  CLIENT_CERTIFICATE_MISSING("client_certificate_missing"),
  /** Client: the server rejected the certificate this client presented. */
  CLIENT_CERTIFICATE_REJECTED("client_certificate_rejected"),
  /** Server: the client rejected this server's certificate. */
  PEER_REJECTED_CERTIFICATE("peer_rejected_certificate"),
  /** The two sides have no protocol version in common. */
  PROTOCOL_VERSION_MISMATCH("protocol_version_mismatch"),
  /**
   * No cipher suite in common (server), or the server refused the client_hello before any answer
   * with handshake_failure or insufficient_security (client: JSSE and OpenSSL servers answer so
   * when no offered suite is acceptable).
   */
  CIPHER_SUITE_MISMATCH("cipher_suite_mismatch"),
  /** The peer's bytes are not TLS records (plaintext HTTP to a TLS port). */
  NOT_TLS("not_tls"),
  /** The peer closed or reset the connection without an alert. */
  PEER_CLOSED("peer_closed"),
  /** The handshake never finished (closed by the application, no progress, discarded). */
  ABANDONED("abandoned"),
  /** Any other failure: the alert and the diagnosis say more. */
  OTHER("other");

  /** The provider event: the peer's stream ended during the handshake. */
  static final String PEER_CLOSED_EVENT = "peer_closed";

  /** The provider event: a certificate_request arrived (providers without message phases). */
  static final String CERTIFICATE_REQUESTED_EVENT = "certificate_requested";

  /** Alerts a peer sends when it rejects the certificate it was shown (RFC 8446 6.2). */
  private static final Set<String> CERTIFICATE_ALERTS =
      Set.of(
          "bad_certificate",
          "unsupported_certificate",
          "certificate_revoked",
          "certificate_expired",
          "certificate_unknown",
          "unknown_ca",
          "bad_certificate_status_response");

  /**
   * Alerts a server is known to send when a client sent no certificate: {@code bad_certificate}
   * (JDK 17.0.15), {@code certificate_required} (TLS 1.3) and {@code handshake_failure} (TLS 1.2)
   * on 17.0.21 and 25, as OpenSSL does.
   */
  private static final Set<String> NO_CERTIFICATE_ALERTS =
      Set.of("bad_certificate", "certificate_required", "handshake_failure");

  final String value;

  FailureReason(String value) {
    this.value = value;
  }

  /** The reason for an ended handshake; null for a successful one. */
  static FailureReason of(HandshakeRecord r, HandshakeFacts f) {
    if (r.outcome() == HandshakeRecord.Outcome.SUCCEEDED) {
      return null;
    }
    return classify(Evidence.of(r, f));
  }

  /** The mapping, on plain values (unit-tested on fixed inputs). */
  static FailureReason classify(Evidence e) {
    if (e.abandoned) {
      return ABANDONED;
    }
    String alert = e.alert;
    if (!e.alertReceived) {
      FailureReason rejected = rejectedPeerCertificate(e);
      if (rejected != null) {
        return rejected;
      }
    }
    if ("protocol_version".equals(alert)) {
      return PROTOCOL_VERSION_MISMATCH;
    }
    if (e.messageContains(SunJsse.NO_CIPHER_SUITES_IN_COMMON.lowerCase())
        || "insufficient_security".equals(alert)
        || (e.client
            && e.alertReceived
            && "handshake_failure".equals(alert)
            && !e.serverAnswered)) {
      return CIPHER_SUITE_MISMATCH;
    }
    if (e.client && e.alertReceived && alert != null && !e.localCertificate) {
      if ("certificate_required".equals(alert)
          || (e.certificateRequested && NO_CERTIFICATE_ALERTS.contains(alert))) {
        return CLIENT_CERTIFICATE_MISSING;
      }
    }
    if (e.alertReceived && CERTIFICATE_ALERTS.contains(alert)) {
      if (!e.client) {
        return PEER_REJECTED_CERTIFICATE;
      }
      if (e.localCertificate) {
        return CLIENT_CERTIFICATE_REJECTED;
      }
    }
    if (e.messageContains(SunJsse.NOT_A_TLS_RECORD_SOCKET.lowerCase())
        || e.messageContains(SunJsse.PLAINTEXT_CONNECTION.lowerCase())) {
      return NOT_TLS;
    }
    if (!e.alertReceived
        && (e.peerClosedEvent
            || e.causedBy(EOFException.class)
            || e.causedBy(SocketException.class)
            || e.messageContains(SunJsse.REMOTE_HOST_TERMINATED.lowerCase())
            || e.messageContains(SunJsse.CONNECTION_RESET.lowerCase())
            || e.messageContains("broken pipe") // the OS's text (errno), not a JDK constant
        )) {
      return PEER_CLOSED;
    }
    return OTHER;
  }

  /** This side refused the peer's certificate: why, from its own exception chain; else null. */
  private static FailureReason rejectedPeerCertificate(Evidence e) {
    if (e.causedBy(CertificateExpiredException.class)
        || e.validatorReason(CertPathValidatorException.BasicReason.EXPIRED)) {
      return CERTIFICATE_EXPIRED;
    }
    if (e.causedBy(CertificateNotYetValidException.class)
        || e.validatorReason(CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
      return CERTIFICATE_NOT_YET_VALID;
    }
    if (e.causedBy(CertificateRevokedException.class)
        || e.validatorReason(CertPathValidatorException.BasicReason.REVOKED)) {
      return CERTIFICATE_REVOKED;
    }
    if (e.messageContains(SunJsse.NO_SUBJECT_ALTERNATIVE.lowerCase())
        || e.messageContains(SunJsse.NO_NAME_MATCHING.lowerCase())) {
      return HOSTNAME_MISMATCH;
    }
    if (e.noTrustAnchor()) {
      return UNTRUSTED_CERTIFICATE;
    }
    if (!e.client
        && "required".equals(e.serverClientAuth)
        && !e.peerCertificate
        && (e.messageContains(SunJsse.EMPTY_CLIENT_CHAIN_T13.lowerCase())
            || e.messageContains(BoringSslErrors.NO_CLIENT_CERTIFICATE)
            || "certificate".equals(e.failedPhaseMessage))) {
      return CLIENT_CERTIFICATE_MISSING;
    }
    if (e.failedInValidation && e.causedBy(CertificateException.class)) {
      // Refused for a reason without a value of its own (key usage, signature, constraints).
      return e.client ? UNTRUSTED_CERTIFICATE : CLIENT_CERTIFICATE_REJECTED;
    }
    return null;
  }

  /** What the mapping reads, as plain values. */
  static final class Evidence {
    private static final int MAX_CAUSES = 16;

    boolean client;
    boolean abandoned;

    /** The alert's RFC name, or null. */
    String alert;

    boolean alertReceived;

    /** The exception this side threw (with its causes), or null. */
    Throwable thrown;

    /** The failure message when there is no exception. */
    String failureMessage;

    /** A certificate_request was received (client) or sent (server). */
    boolean certificateRequested;

    /** Client: a message from the server arrived before the failure. */
    boolean serverAnswered;

    /** This side presented a certificate. */
    boolean localCertificate;

    /** The peer presented a certificate. */
    boolean peerCertificate;

    /** Server: {@code none}, {@code requested} or {@code required}. */
    String serverClientAuth;

    /** The handshake message of the failed phase ({@code certificate}), or null. */
    String failedPhaseMessage;

    /** The failure happened in the trust manager's chain validation. */
    boolean failedInValidation;

    /**
     * A provider reported that the peer's stream ended mid-handshake (event {@code peer_closed}):
     * providers that turn that end into an alert of their own give no exception to tell it by.
     */
    boolean peerClosedEvent;

    static Evidence of(HandshakeRecord r, HandshakeFacts f) {
      Evidence e = new Evidence();
      e.client = r.isClient();
      e.abandoned = r.outcome() == HandshakeRecord.Outcome.ABANDONED;
      e.alert = f.alertDescription;
      e.alertReceived = r.alertReceived();
      e.thrown = r.thrown();
      e.failureMessage = r.failureMessage();
      e.peerClosedEvent = r.hasEvent(PEER_CLOSED_EVENT);
      for (Frame fr : r.phases()) {
        String m = PhaseNames.message(fr);
        e.certificateRequested |= "certificate_request".equals(m);
        // A client validates only a chain the server sent: the server answered, even where a
        // provider reports no message phases (OpenSSL, Conscrypt).
        e.serverAnswered |=
            r.isClient()
                && (fr.kind() == Frame.Kind.RECEIVE || fr.kind() == Frame.Kind.VALIDATE_CHAIN);
      }
      e.certificateRequested |= r.hasEvent(CERTIFICATE_REQUESTED_EVENT);
      e.localCertificate = f.localChain != null && f.localChain.length > 0;
      e.peerCertificate = f.peerChain != null && f.peerChain.length > 0;
      e.serverClientAuth = f.serverClientAuth;
      Frame failed = HandshakeValues.failedPhase(r);
      if (failed != null) {
        e.failedPhaseMessage = PhaseNames.message(failed);
        e.failedInValidation = failed.kind() == Frame.Kind.VALIDATE_CHAIN;
      }
      return e;
    }

    /** This side found no path from the peer's chain to one of its trust anchors. */
    boolean noTrustAnchor() {
      return causedBy(CertPathBuilderException.class)
          || validatorReason(PKIXReason.NO_TRUST_ANCHOR)
          || messageContains(SunJsse.PKIX_PATH_BUILDING_FAILED.lowerCase())
          || messageContains(SunJsse.NO_TRUST_ANCHOR.lowerCase());
    }

    boolean causedBy(Class<? extends Throwable> type) {
      for (Throwable t : chain()) {
        if (type.isInstance(t)) {
          return true;
        }
      }
      return false;
    }

    boolean validatorReason(CertPathValidatorException.Reason reason) {
      for (Throwable t : chain()) {
        if (t instanceof CertPathValidatorException
            && ((CertPathValidatorException) t).getReason() == reason) {
          return true;
        }
      }
      return false;
    }

    /** Whether the failure message or any message in the exception chain contains {@code text}. */
    boolean messageContains(String text) {
      if (contains(failureMessage, text)) {
        return true;
      }
      for (Throwable t : chain()) {
        if (contains(t.getMessage(), text)) {
          return true;
        }
      }
      return false;
    }

    private static boolean contains(String message, String lowerCaseText) {
      return message != null && message.toLowerCase(Locale.ROOT).contains(lowerCaseText);
    }

    /** The exception and its causes, at most {@link #MAX_CAUSES} (a cycle must not hang us). */
    private List<Throwable> chain() {
      List<Throwable> chain = new ArrayList<>();
      for (Throwable t = thrown; t != null && chain.size() < MAX_CAUSES; t = t.getCause()) {
        if (chain.contains(t)) {
          break;
        }
        chain.add(t);
      }
      return chain;
    }
  }
}
