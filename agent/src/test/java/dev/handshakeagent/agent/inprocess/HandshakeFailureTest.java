package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.bool;
import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.KnownAlerts;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Failed handshakes: the cause ({@code handshake.failure_reason}), an alert the JDK's updates are
 * known to send for it ({@link KnownAlerts}: 17.0.15, 17.0.21.1 and 25 differ in some cases), the
 * origin and failed phase, ERROR status with the application's exception.
 */
class HandshakeFailureTest {

  /** Root failed with {@code alert} sent ({@code local}) or received ({@code peer}). */
  static void assertFailed(SpanData root, String alert, String origin, String failedPhase) {
    assertEquals(alert, str(root, "error.type"), root.getAttributes().toString());
    assertFailed(root, origin, failedPhase);
  }

  /** As above, for a cause whose alert differs between JDK updates; returns the alert. */
  static String assertFailed(
      SpanData root, KnownAlerts.Cause cause, String origin, String failedPhase) {
    String alert = str(root, "error.type");
    KnownAlerts.assertKnown(cause, alert);
    assertFailed(root, origin, failedPhase);
    return alert;
  }

  private static void assertFailed(SpanData root, String origin, String failedPhase) {
    assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode(), root.getName());
    assertEquals(false, bool(root, "tls.established"));
    assertEquals(str(root, "error.type"), str(root, "handshake.alert"));
    assertEquals(origin, str(root, "handshake.alert.origin"));
    if (failedPhase != null) {
      assertEquals(failedPhase, str(root, "handshake.failed_phase"));
    }
    assertNull(bool(root, "tls.resumed"), "tls.resumed is only set on success");
    List<EventData> exceptions =
        root.getEvents().stream()
            .filter(e -> e.getName().equals("exception"))
            .collect(Collectors.toList());
    assertEquals(1, exceptions.size(), "the exception the application saw is recorded once");
  }

  /** The root of a side whose outcome depends on timing (RST racing an alert): failed, somehow. */
  static void assertFailedSomehow(SpanData root) {
    assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode());
    assertEquals(false, bool(root, "tls.established"));
    assertTrue(str(root, "error.type") != null);
  }

  @Test
  void untrustedServerCertificateOverSocket() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.UNTRUSTED_SOCKET);
    assertTrue(o.result().client.contains("PKIX path building failed"), o.result().toString());
    SpanData client = o.client();
    assertFailed(
        client, KnownAlerts.Cause.UNTRUSTED_CERTIFICATE, "local", "validate certificate chain");
    assertEquals("untrusted_certificate", str(client, "handshake.failure_reason"));
    assertEquals(
        o.result().client.substring(o.result().client.indexOf(": ") + 2),
        client.getStatus().getDescription());
    // The chain that failed validation is on the root, for the on-call engineer.
    assertEquals("CN=untrusted.example", str(client, "tls.server.subject"));
    SpanData validate =
        Traces.descendants(o.spans, client).stream()
            .filter(s -> s.getName().equals("validate certificate chain"))
            .findFirst()
            .orElseThrow();
    assertEquals(StatusCode.ERROR, validate.getStatus().getStatusCode());
    assertEquals("certificate_unknown", str(validate, "error.type"));
    assertFailedSomehow(o.server());
  }

  @Test
  void untrustedServerCertificateOverEngine() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.UNTRUSTED_ENGINE);
    assertFailed(
        o.client(), KnownAlerts.Cause.UNTRUSTED_CERTIFICATE, "local", "validate certificate chain");
    assertEquals("untrusted_certificate", str(o.client(), "handshake.failure_reason"));
    // The server only learns the client's alert: whatever its name, its certificate was refused.
    assertFailed(o.server(), str(o.client(), "error.type"), "peer", null);
    assertEquals("peer_rejected_certificate", str(o.server(), "handshake.failure_reason"));
    assertEquals("SSLEngine", str(o.server(), "handshake.api"));
  }

  @Test
  void expiredServerCertificate() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.EXPIRED_SOCKET);
    assertFailed(
        o.client(), KnownAlerts.Cause.CERTIFICATE_EXPIRED, "local", "validate certificate chain");
    assertEquals("certificate_expired", str(o.client(), "handshake.failure_reason"));
    assertTrue(o.client().getStatus().getDescription().contains("validity check failed"));
    assertEquals("CN=expired.localhost,O=handshake-agent", str(o.client(), "tls.server.subject"));
    assertFailedSomehow(o.server());
  }

  @Test
  void clientCertificateMissingTls13() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.CLIENT_CERT_MISSING13);
    String alert =
        assertFailed(
            o.server(),
            KnownAlerts.Cause.CLIENT_CERTIFICATE_MISSING_TLS13,
            "local",
            "receive certificate");
    assertEquals("client_certificate_missing", str(o.server(), "handshake.failure_reason"));
    assertTrue(o.server().getStatus().getDescription().contains("Empty client certificate chain"));
    assertEquals("required", str(o.server(), "handshake.client_auth"));
    // A TLS 1.3 client finishes before the server checks its certificate; the server's alert,
    // its first record after the client's Finished, fails the client's handshake after all.
    // The client's root waits for the server's verdict (rejection.wait) when none was read.
    List<SpanData> spans = o.spans;
    for (int i = 0; i < 200 && Traces.roots(spans, "client").isEmpty(); i++) {
      Thread.sleep(25);
      spans = InProcessAgent.spans();
    }
    SpanData client = Traces.root(spans, "client");
    List<SpanData> alerts =
        Traces.descendants(spans, client).stream()
            .filter(s -> s.getName().endsWith(" alert"))
            .collect(Collectors.toList());
    if (o.result().client.contains("Received fatal alert")) {
      assertFailed(client, alert, "peer", "receive alert");
      assertEquals("client_certificate_missing", str(client, "handshake.failure_reason"));
      assertEquals(1, alerts.size(), o.result() + " " + Traces.names(spans));
      assertEquals("receive alert", alerts.get(0).getName());
      assertEquals(alert, str(alerts.get(0), "error.type"));
      assertEquals(StatusCode.ERROR, alerts.get(0).getStatus().getStatusCode());
    } else {
      // The client's write raced the server's close: a plain SocketException from the socket,
      // no TLS alert read and no fatal alert in the JDK, so nothing told the agent it failed:
      // the held success stands once the wait is over.
      assertEquals(true, bool(client, "tls.established"), o.result().toString());
      assertEquals(List.of(), alerts, o.result() + " " + Traces.names(spans));
    }
  }

  @Test
  void clientCertificateMissingTls12() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.CLIENT_CERT_MISSING12);
    assertFailed(
        o.server(),
        KnownAlerts.Cause.CLIENT_CERTIFICATE_MISSING_TLS12,
        "local",
        "receive certificate");
    assertEquals("client_certificate_missing", str(o.server(), "handshake.failure_reason"));
    assertFailedSomehow(o.client());
  }

  @Test
  void protocolMismatch() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.PROTOCOL_MISMATCH);
    assertFailed(
        o.server(), KnownAlerts.Cause.PROTOCOL_VERSION_MISMATCH, "local", "receive client_hello");
    assertTrue(o.server().getStatus().getDescription().contains("[TLSv1.2] are not accepted"));
    assertFailed(
        o.client(), KnownAlerts.Cause.PROTOCOL_VERSION_MISMATCH, "peer", "send client_hello");
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals("protocol_version_mismatch", str(root, "handshake.failure_reason"));
    }
    assertNull(str(o.client(), "tls.protocol.version"), "nothing was negotiated");
    assertNull(str(o.client(), "tls.curve"), "nothing was negotiated");
  }

  @Test
  void noSharedCipherSuite() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.NO_SHARED_CIPHER);
    assertFailed(
        o.server(), KnownAlerts.Cause.CIPHER_SUITE_MISMATCH, "local", "receive client_hello");
    assertTrue(o.server().getStatus().getDescription().contains("no cipher suites in common"));
    assertNull(str(o.server(), "tls.cipher"));
    assertFailed(o.client(), KnownAlerts.Cause.CIPHER_SUITE_MISMATCH, "peer", "send client_hello");
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals("cipher_suite_mismatch", str(root, "handshake.failure_reason"));
    }
  }

  @Test
  void peerClosesMidHandshake() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.PEER_CLOSES_MID_HANDSHAKE);
    assertFailed(o.client(), "handshake_failure", "local", "send client_hello");
    assertTrue(
        o.client().getStatus().getDescription().contains("Remote host terminated the handshake"));
    assertEquals("peer_closed", str(o.client(), "handshake.failure_reason"));
    assertEquals(1, Traces.roots(o.spans).size(), "the raw server is not TLS");
  }

  @Test
  void clientSendsHelloThenCloses() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.CLIENT_HELLO_THEN_CLOSE);
    assertFailedSomehow(o.server());
    assertTrue(o.phases(o.server()).contains("receive client_hello"));
    // The engine that made the client_hello bytes was closed mid-handshake by the test.
    SpanData helper = o.client();
    assertEquals("abandoned", str(helper, "error.type"));
    assertEquals(
        "closed by the application during the handshake", str(helper, "handshake.abandon_reason"));
    assertEquals("abandoned", str(helper, "handshake.failure_reason"));
  }

  @Test
  void plaintextHttpToTlsServer() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.PLAINTEXT_TO_SERVER);
    assertEquals(1, Traces.roots(o.spans).size());
    SpanData server = o.server();
    assertFailed(server, "unexpected_message", "local", null);
    assertEquals("Unsupported or unrecognized SSL message", server.getStatus().getDescription());
    assertEquals("not_tls", str(server, "handshake.failure_reason"));
    assertEquals(List.of(), o.phases(server), "no handshake message was ever received");
  }
}
