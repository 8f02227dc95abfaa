package dev.handshakeagent.agent.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The reason mapping on fixed inputs: the exceptions and alerts as JDK 17.0.15, 17.0.21.1 and 25
 * produce them for one cause must give one reason. The exception chains are built from the public
 * types the JDK puts in them (its own ValidatorException is a CertificateException), with the
 * messages of each update: 17.0.21.1 and 25 start them with the alert name in parentheses.
 */
class FailureReasonTest {

  /** The local side's view of a failure it raised with {@code alert}. */
  static FailureReason.Evidence local(boolean client, String alert, Throwable thrown) {
    FailureReason.Evidence e = new FailureReason.Evidence();
    e.client = client;
    e.alert = alert;
    e.thrown = thrown;
    return e;
  }

  /** The view of a side that received {@code alert} from its peer. */
  static FailureReason.Evidence received(boolean client, String alert) {
    FailureReason.Evidence e = local(client, alert, null);
    e.alertReceived = true;
    e.thrown = new SSLHandshakeException("Received fatal alert: " + alert);
    return e;
  }

  /** The message of each update: plain (17.0.15), alert-prefixed (17.0.21.1, 25). */
  static List<String> messages(String alert, String text) {
    return List.of(text, "(" + alert + ") " + text);
  }

  static Throwable validation(String message, CertPathValidatorException cause) {
    return new SSLHandshakeException(message)
        .initCause(new CertificateException("PKIX path validation failed: " + cause, cause));
  }

  @Test
  void expiredPeerCertificateWhateverTheAlert() {
    CertPathValidatorException expired =
        new CertPathValidatorException(
            "validity check failed",
            new CertificateExpiredException("NotAfter: Mon Dec 01 08:38:18 UTC 2025"),
            null,
            -1,
            CertPathValidatorException.BasicReason.EXPIRED);
    // 17.0.15 sends certificate_unknown, 17.0.21.1 and 25 certificate_expired.
    for (String alert : List.of("certificate_unknown", "certificate_expired")) {
      for (String m : messages(alert, "PKIX path validation failed: " + expired)) {
        for (boolean client : List.of(true, false)) {
          assertEquals(
              FailureReason.CERTIFICATE_EXPIRED,
              FailureReason.classify(local(client, alert, validation(m, expired))),
              alert + " " + m);
        }
      }
    }
    // The reason alone, without the wrapped CertificateExpiredException, is enough.
    CertPathValidatorException reasonOnly =
        new CertPathValidatorException(
            "validity check failed",
            null,
            null,
            -1,
            CertPathValidatorException.BasicReason.EXPIRED);
    assertEquals(
        FailureReason.CERTIFICATE_EXPIRED,
        FailureReason.classify(local(true, "certificate_unknown", validation("x", reasonOnly))));
  }

  @Test
  void notYetValidAndRevoked() {
    CertPathValidatorException notYet =
        new CertPathValidatorException(
            "validity check failed",
            new CertificateNotYetValidException("NotBefore: Thu Dec 04 08:38:18 UTC 2036"),
            null,
            -1,
            CertPathValidatorException.BasicReason.NOT_YET_VALID);
    for (String alert : List.of("certificate_unknown", "certificate_expired")) {
      assertEquals(
          FailureReason.CERTIFICATE_NOT_YET_VALID,
          FailureReason.classify(local(true, alert, validation("validity", notYet))));
    }
    CertPathValidatorException revoked =
        new CertPathValidatorException(
            "Certificate has been revoked, reason: KEY_COMPROMISE",
            null,
            null,
            -1,
            CertPathValidatorException.BasicReason.REVOKED);
    for (String alert : List.of("certificate_unknown", "certificate_revoked")) {
      assertEquals(
          FailureReason.CERTIFICATE_REVOKED,
          FailureReason.classify(local(true, alert, validation("revoked", revoked))));
    }
  }

  @Test
  void untrustedChainAndHostname() {
    for (String m :
        messages(
            "certificate_unknown",
            "PKIX path building failed: unable to find valid certification path")) {
      Throwable untrusted =
          new SSLHandshakeException(m)
              .initCause(
                  new CertificateException(
                      "PKIX path building failed",
                      new CertPathBuilderException("unable to find valid certification path")));
      assertEquals(
          FailureReason.UNTRUSTED_CERTIFICATE,
          FailureReason.classify(local(true, "certificate_unknown", untrusted)));
      assertEquals(
          FailureReason.UNTRUSTED_CERTIFICATE,
          FailureReason.classify(local(false, "certificate_unknown", untrusted)));
    }
    CertPathValidatorException noAnchor =
        new CertPathValidatorException(
            "Path does not chain with any of the trust anchors",
            null,
            null,
            -1,
            PKIXReason.NO_TRUST_ANCHOR);
    assertEquals(
        FailureReason.UNTRUSTED_CERTIFICATE,
        FailureReason.classify(local(true, "certificate_unknown", validation("x", noAnchor))));
    for (String m :
        messages(
            "certificate_unknown", "No subject alternative DNS name matching localhost found.")) {
      Throwable t =
          new SSLHandshakeException(m)
              .initCause(
                  new CertificateException(
                      "No subject alternative DNS name matching localhost found."));
      assertEquals(
          FailureReason.HOSTNAME_MISMATCH,
          FailureReason.classify(local(true, "certificate_unknown", t)));
    }
  }

  @Test
  void otherValidationFailuresBySide() {
    FailureReason.Evidence client =
        local(
            true,
            "certificate_unknown",
            new SSLHandshakeException("x")
                .initCause(new CertificateException("Extended key usage does not permit")));
    client.failedInValidation = true;
    assertEquals(FailureReason.UNTRUSTED_CERTIFICATE, FailureReason.classify(client));
    client.client = false;
    assertEquals(FailureReason.CLIENT_CERTIFICATE_REJECTED, FailureReason.classify(client));
    client.failedInValidation = false;
    assertEquals(FailureReason.OTHER, FailureReason.classify(client), "not in the trust manager");
  }

  @Test
  void missingClientCertificateOnBothSidesWhateverTheAlert() {
    // 17.0.15: bad_certificate; 17.0.21.1 and 25: certificate_required (1.3), handshake_failure
    // (1.2).
    for (String alert : List.of("bad_certificate", "certificate_required", "handshake_failure")) {
      for (String m : messages(alert, "Empty client certificate chain")) {
        FailureReason.Evidence server = local(false, alert, new SSLHandshakeException(m));
        server.serverClientAuth = "required";
        server.failedPhaseMessage = "certificate";
        server.certificateRequested = true;
        assertEquals(FailureReason.CLIENT_CERTIFICATE_MISSING, FailureReason.classify(server), m);
        // Without the message, the structure alone: required, none received, failed there.
        server.thrown = new SSLHandshakeException("(" + alert + ") something else");
        assertEquals(FailureReason.CLIENT_CERTIFICATE_MISSING, FailureReason.classify(server), m);
      }
      FailureReason.Evidence client = received(true, alert);
      client.certificateRequested = true;
      client.serverAnswered = true;
      assertEquals(FailureReason.CLIENT_CERTIFICATE_MISSING, FailureReason.classify(client), alert);
    }
    FailureReason.Evidence notAsked = received(true, "certificate_required");
    notAsked.serverAnswered = true;
    assertEquals(FailureReason.CLIENT_CERTIFICATE_MISSING, FailureReason.classify(notAsked));
  }

  @Test
  void theSideWhoseCertificateWasRejectedOnlyKnowsThatWhateverTheAlert() {
    for (String alert :
        List.of(
            "certificate_unknown",
            "certificate_expired",
            "bad_certificate",
            "unknown_ca",
            "certificate_revoked")) {
      FailureReason.Evidence server = received(false, alert);
      assertEquals(FailureReason.PEER_REJECTED_CERTIFICATE, FailureReason.classify(server), alert);
      FailureReason.Evidence client = received(true, alert);
      client.serverAnswered = true;
      client.certificateRequested = true;
      client.localCertificate = true;
      assertEquals(
          FailureReason.CLIENT_CERTIFICATE_REJECTED, FailureReason.classify(client), alert);
    }
    FailureReason.Evidence noCertificateAsked = received(true, "certificate_unknown");
    noCertificateAsked.serverAnswered = true;
    assertEquals(FailureReason.OTHER, FailureReason.classify(noCertificateAsked));
  }

  @Test
  void negotiationFailures() {
    for (String m :
        messages(
            "protocol_version",
            "The client supported protocol versions [TLSv1.2] are not accepted by server"
                + " preferences [TLSv1.3]")) {
      assertEquals(
          FailureReason.PROTOCOL_VERSION_MISMATCH,
          FailureReason.classify(local(false, "protocol_version", new SSLHandshakeException(m))));
    }
    assertEquals(
        FailureReason.PROTOCOL_VERSION_MISMATCH,
        FailureReason.classify(received(true, "protocol_version")));
    for (String m : messages("handshake_failure", "no cipher suites in common")) {
      assertEquals(
          FailureReason.CIPHER_SUITE_MISMATCH,
          FailureReason.classify(local(false, "handshake_failure", new SSLHandshakeException(m))));
    }
    assertEquals(
        FailureReason.CIPHER_SUITE_MISMATCH,
        FailureReason.classify(received(true, "handshake_failure")),
        "refused in answer to the client_hello");
    FailureReason.Evidence later = received(true, "handshake_failure");
    later.serverAnswered = true;
    assertEquals(FailureReason.OTHER, FailureReason.classify(later), "refused later: unknown");
    assertEquals(
        FailureReason.CIPHER_SUITE_MISMATCH,
        FailureReason.classify(received(false, "insufficient_security")));
  }

  @Test
  void transportFailures() {
    for (String m : messages("unexpected_message", "Unsupported or unrecognized SSL message")) {
      assertEquals(
          FailureReason.NOT_TLS,
          FailureReason.classify(local(false, "unexpected_message", new SSLHandshakeException(m))));
    }
    for (String m : messages("handshake_failure", "Remote host terminated the handshake")) {
      Throwable t =
          new SSLHandshakeException(m)
              .initCause(new EOFException("SSL peer shut down incorrectly"));
      assertEquals(
          FailureReason.PEER_CLOSED, FailureReason.classify(local(true, "handshake_failure", t)));
    }
    Throwable reset =
        new SSLHandshakeException("(handshake_failure) Connection reset")
            .initCause(new SocketException("Connection reset"));
    assertEquals(
        FailureReason.PEER_CLOSED,
        FailureReason.classify(local(false, "handshake_failure", reset)));
    FailureReason.Evidence abandoned = new FailureReason.Evidence();
    abandoned.abandoned = true;
    assertEquals(FailureReason.ABANDONED, FailureReason.classify(abandoned));
    assertEquals(FailureReason.OTHER, FailureReason.classify(received(true, "decrypt_error")));
    assertEquals(FailureReason.OTHER, FailureReason.classify(new FailureReason.Evidence()));
  }

  @Test
  void aCyclicCauseChainEndsTheWalk() {
    SSLHandshakeException a = new SSLHandshakeException("a");
    CertificateException b = new CertificateException("b");
    a.initCause(b);
    b.initCause(a);
    assertEquals(
        FailureReason.OTHER,
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> FailureReason.classify(local(true, "internal_error", a))));
  }

  /**
   * prometheus/alerts.yml (the demo's and the README's rules) alerts by cause only on values of
   * this set. Checked here, where the set lives, rather than in the demo's DeploymentFilesTest.
   */
  @Test
  void theAlertRulesNameOnlyValuesOfTheSet() throws IOException {
    String rules = Files.readString(Path.of("..", "prometheus", "alerts.yml"));
    Matcher reasons = Pattern.compile("handshake_failure_reason=~?\"([^\"]*)\"").matcher(rules);
    List<String> used = new ArrayList<>();
    while (reasons.find()) {
      used.addAll(List.of(reasons.group(1).split("\\|")));
    }
    assertFalse(used.isEmpty(), "some rule alerts by handshake_failure_reason");
    Set<String> known =
        Arrays.stream(FailureReason.values()).map(r -> r.value).collect(Collectors.toSet());
    for (String reason : used) {
      assertTrue(known.contains(reason), "no such handshake.failure_reason: " + reason);
    }
  }

  /** The documented set: a new value needs the README, the alerts and the dashboards updated. */
  @Test
  void theSetIsClosed() {
    assertEquals(
        List.of(
            "certificate_expired",
            "certificate_not_yet_valid",
            "hostname_mismatch",
            "untrusted_certificate",
            "certificate_revoked",
            "client_certificate_missing",
            "client_certificate_rejected",
            "peer_rejected_certificate",
            "protocol_version_mismatch",
            "cipher_suite_mismatch",
            "not_tls",
            "peer_closed",
            "abandoned",
            "other"),
        Arrays.stream(FailureReason.values()).map(r -> r.value).collect(Collectors.toList()));
  }
}
