package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.KnownAlerts;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsConfig;
import dev.handshakeagent.agent.testing.TlsRun;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code handshake.failure_reason} from real handshakes over loopback, one case per reason the
 * JDK's peers can provoke, asserted as the same value on every JDK update while the alert is only
 * required to be one known for the cause ({@link KnownAlerts}). The cases of the shared scenarios
 * (untrusted, expired, client certificate missing, protocol and cipher mismatch, not TLS, peer
 * closed, abandoned) are asserted in {@link HandshakeFailureTest}.
 */
class FailureReasonTest {
  static final AttributeKey<String> REASON = AttributeKey.stringKey("handshake.failure_reason");
  static final AttributeKey<String> ROLE = AttributeKey.stringKey("handshake.role");

  /** Label ports of the engine runs here (see Scenario), apart from the scenarios' own. */
  private static final AtomicInteger ENGINE_PORT = new AtomicInteger(25_000);

  /**
   * One handshake before the cases: the in-process agent gives up on a handshake after 1.5 s
   * without progress, and a cold JVM on a loaded machine can take that long for its first one.
   */
  @BeforeAll
  static void warmUp() throws Exception {
    ScenarioSpans.agent();
    Scenario.TLS13_SOCKET_RSA.run();
  }

  static String reason(SpanData root) {
    return root.getAttributes().get(REASON);
  }

  static TlsRun.Result engines(TlsConfig server, TlsConfig client) throws Exception {
    return TlsRun.engines(server, client, ENGINE_PORT.incrementAndGet(), Scenario.delegatedTasks());
  }

  /**
   * A TLS 1.2 engine pair whose RSA server requires a client certificate; {@code client} is one.
   */
  static ScenarioSpans tls12EnginesRequiringClientCertificate(TlsConfig client) throws Exception {
    return ScenarioSpans.run(
        () ->
            List.of(
                engines(
                    TlsConfig.server(TestPki.Server.RSA).protocols("TLSv1.2").needClientAuth(),
                    client)));
  }

  @Test
  void notYetValidServerCertificate() throws Exception {
    ScenarioSpans o =
        ScenarioSpans.run(
            () ->
                List.of(
                    TlsRun.sockets(
                        TlsConfig.server(TestPki.Server.NOT_YET_VALID), TlsConfig.client(false))));
    SpanData client = o.client();
    assertEquals("certificate_not_yet_valid", reason(client), client.getAttributes().toString());
    KnownAlerts.assertKnown(
        KnownAlerts.Cause.CERTIFICATE_NOT_YET_VALID, str(client, "handshake.alert"));
    assertEquals("local", str(client, "handshake.alert.origin"));
    DiagnosisTest.assertMentions(
        DiagnosisTest.diagnosis(client),
        "CN=future.localhost,O=handshake-agent",
        "is not valid before",
        "the clock here says");
  }

  @Test
  void hostnameMismatch() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.HOSTNAME_MISMATCH_SOCKET);
    assertEquals("hostname_mismatch", reason(o.client()), o.client().getAttributes().toString());
    KnownAlerts.assertKnown(KnownAlerts.Cause.HOSTNAME_MISMATCH, str(o.client(), "error.type"));
  }

  /**
   * Over engines no TCP reset can race the alert, so both sides are deterministic: the server does
   * not trust the client's certificate, and the client learns its certificate was rejected.
   */
  @Test
  void clientCertificateRejectedTls12() throws Exception {
    ScenarioSpans o =
        tls12EnginesRequiringClientCertificate(
            TlsConfig.clientPresenting(TestPki.Server.UNTRUSTED));
    SpanData server = o.server();
    SpanData client = o.client();
    assertEquals("untrusted_certificate", reason(server), server.getAttributes().toString());
    assertEquals("local", str(server, "handshake.alert.origin"));
    KnownAlerts.assertKnown(
        KnownAlerts.Cause.CLIENT_CERTIFICATE_UNTRUSTED, str(server, "handshake.alert"));
    assertEquals("CN=untrusted.example", str(server, "tls.client.subject"));
    assertEquals("client_certificate_rejected", reason(client), client.getAttributes().toString());
    assertEquals("peer", str(client, "handshake.alert.origin"));
    assertEquals(str(server, "handshake.alert"), str(client, "handshake.alert"));
    DiagnosisTest.assertMentions(
        DiagnosisTest.diagnosis(client), "we presented CN=untrusted.example");
  }

  /** A TLS 1.3 server rejects the client's certificate: its side of the story. */
  @Test
  void clientCertificateRejectedTls13Server() throws Exception {
    ScenarioSpans o =
        ScenarioSpans.run(
            () ->
                List.of(
                    TlsRun.sockets(
                        TlsConfig.server(TestPki.Server.RSA).protocols("TLSv1.3").needClientAuth(),
                        TlsConfig.clientPresenting(TestPki.Server.UNTRUSTED))));
    SpanData server = o.server();
    assertEquals("untrusted_certificate", reason(server), server.getAttributes().toString());
    KnownAlerts.assertKnown(
        KnownAlerts.Cause.CLIENT_CERTIFICATE_UNTRUSTED, str(server, "handshake.alert"));
    DiagnosisTest.assertMentions(
        DiagnosisTest.diagnosis(server),
        "Untrusted chain",
        "not in the trust store of this server");
  }

  /** Over engines the TLS 1.2 client reads the server's alert every time: missing on both sides. */
  @Test
  void clientCertificateMissingTls12BothSides() throws Exception {
    ScenarioSpans o = tls12EnginesRequiringClientCertificate(TlsConfig.client(false));
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals("client_certificate_missing", reason(root), root.getAttributes().toString());
      KnownAlerts.assertKnown(
          KnownAlerts.Cause.CLIENT_CERTIFICATE_MISSING_TLS12, str(root, "handshake.alert"));
    }
    DiagnosisTest.assertMentions(
        DiagnosisTest.diagnosis(o.client()), "requires a client certificate", "sent none");
  }

  /** The duration histogram carries the reason on failures only, with the spans' values. */
  @Test
  void durationMetricCountsFailuresByReason() throws Exception {
    AgentRuntime agent = ScenarioSpans.agent();
    // The histogram is cumulative since install, and an earlier test's side may still be ending
    // (a reset racing an alert decides its reason): count what these three scenarios add.
    awaitNoActiveHandshake(agent);
    Map<String, Long> before = failuresByReason();
    Scenario.TLS13_SOCKET_RSA.run();
    Scenario.UNTRUSTED_ENGINE.run();
    Scenario.PROTOCOL_MISMATCH.run();
    awaitNoActiveHandshake(agent);
    Map<String, Long> after = failuresByReason();
    Map<String, Long> expected =
        Map.of(
            "client untrusted_certificate", 1L,
            "server peer_rejected_certificate", 1L,
            "client protocol_version_mismatch", 1L,
            "server protocol_version_mismatch", 1L);
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      long added = after.getOrDefault(e.getKey(), 0L) - before.getOrDefault(e.getKey(), 0L);
      assertEquals(e.getValue(), added, e.getKey() + " in " + after + ", before: " + before);
    }
    for (HistogramPointData p : durationPoints()) {
      boolean failed = p.getAttributes().get(HandshakeMetricsTest.ERROR) != null;
      assertEquals(failed, p.getAttributes().get(REASON) != null, p.getAttributes().toString());
    }
  }

  private static List<HistogramPointData> durationPoints() {
    return List.copyOf(
        HandshakeMetricsTest.metric(InProcessAgent.metrics(), "tls.handshake.duration")
            .getHistogramData()
            .getPoints());
  }

  /** Failed handshakes counted so far, by "role reason". */
  private static Map<String, Long> failuresByReason() {
    return durationPoints().stream()
        .filter(p -> p.getAttributes().get(REASON) != null)
        .collect(
            Collectors.groupingBy(
                p -> p.getAttributes().get(ROLE) + " " + p.getAttributes().get(REASON),
                Collectors.summingLong(HistogramPointData::getCount)));
  }

  private static void awaitNoActiveHandshake(AgentRuntime agent) throws InterruptedException {
    for (int i = 0; i < 200 && agent.tracker.activeHandshakes() > 0; i++) {
      Thread.sleep(25);
    }
    assertEquals(0, agent.tracker.activeHandshakes(), "handshakes still open");
  }
}
