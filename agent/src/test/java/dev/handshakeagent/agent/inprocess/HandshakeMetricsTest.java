package dev.handshakeagent.agent.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsConfig;
import dev.handshakeagent.agent.testing.TlsRun;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The handshake metrics from real handshakes: counts and histogram sums agree with the handshakes
 * run and their root spans, failures carry error.type, certificate time left matches the test
 * certificates (3 and 400 days), cardinality stays bounded.
 */
class HandshakeMetricsTest {
  static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SUBJECT =
      AttributeKey.stringKey("handshake.certificate.subject");
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("handshake.certificate.source");
  static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");

  @Test
  void metricsAgreeWithTheHandshakesRun() throws Exception {
    ScenarioSpans.agent();
    InProcessAgent.reset();
    for (int i = 0; i < 3; i++) {
      Scenario.TLS13_SOCKET_RSA.run();
    }
    Scenario.UNTRUSTED_ENGINE.run();
    Scenario.UNTRUSTED_ENGINE.run();
    TlsRun.sockets(TlsConfig.server(TestPki.Server.EXPIRES_IN_3_DAYS), TlsConfig.client(false));
    TlsRun.sockets(TlsConfig.server(TestPki.Server.EXPIRES_IN_400_DAYS), TlsConfig.client(false));

    List<SpanData> roots = Traces.roots(InProcessAgent.spans());
    assertEquals(14, roots.size());
    Collection<MetricData> metrics = InProcessAgent.metrics();

    List<HistogramPointData> durations =
        List.copyOf(metric(metrics, "tls.handshake.duration").getHistogramData().getPoints());
    long count = durations.stream().mapToLong(HistogramPointData::getCount).sum();
    double sum = durations.stream().mapToDouble(HistogramPointData::getSum).sum();
    double spanSeconds =
        roots.stream().mapToLong(s -> s.getEndEpochNanos() - s.getStartEpochNanos()).sum() / 1e9;
    assertEquals(14, count, "one histogram count per handshake and side");
    assertEquals(spanSeconds, sum, 1e-6, "the same durations as the root spans");
    assertEquals("s", metric(metrics, "tls.handshake.duration").getUnit());
    long failed =
        durations.stream()
            .filter(p -> "certificate_unknown".equals(p.getAttributes().get(ERROR)))
            .mapToLong(HistogramPointData::getCount)
            .sum();
    assertEquals(4, failed, "two failed handshakes, both sides");
    AttributeKey<String> reason = AttributeKey.stringKey("handshake.failure_reason");
    for (HistogramPointData p : durations) {
      String role = p.getAttributes().get(AttributeKey.stringKey("handshake.role"));
      String error = p.getAttributes().get(ERROR);
      assertEquals(
          error == null,
          p.getAttributes().get(reason) == null,
          "a cause on failed handshakes only: " + p.getAttributes());
      if ("certificate_unknown".equals(error)) {
        assertEquals(
            "client".equals(role) ? "untrusted_certificate" : "peer_rejected_certificate",
            p.getAttributes().get(reason),
            p.getAttributes().toString());
      }
    }
    for (HistogramPointData p : durations) {
      assertTrue(
          p.getAttributes().asMap().keySet().stream()
              .noneMatch(k -> k.getKey().endsWith(".port") || k.getKey().equals("client.address")),
          "no per-connection attributes: " + p.getAttributes());
      if ("client".equals(p.getAttributes().get(AttributeKey.stringKey("handshake.role")))) {
        assertEquals("localhost", p.getAttributes().get(SERVER));
      }
      assertEquals("SunJSSE", p.getAttributes().get(AttributeKey.stringKey("handshake.provider")));
    }
    assertTrue(durations.get(0).getBoundaries().contains(0.001));
    assertTrue(durations.get(0).getBoundaries().contains(10.0));

    List<LongPointData> active =
        List.copyOf(metric(metrics, "tls.handshake.active").getLongSumData().getPoints());
    assertEquals(0, active.get(0).getValue());

    List<DoublePointData> timeLeft =
        List.copyOf(metric(metrics, "tls.certificate.time_left").getDoubleGaugeData().getPoints());
    assertDays(
        timeLeft, TestPki.Server.EXPIRES_IN_3_DAYS, "CN=soon.localhost,O=handshake-agent", 3);
    assertDays(
        timeLeft, TestPki.Server.EXPIRES_IN_400_DAYS, "CN=later.localhost,O=handshake-agent", 400);
    List<String> sources =
        timeLeft.stream()
            .map(p -> p.getAttributes().get(SOURCE))
            .distinct()
            .sorted()
            .collect(Collectors.toList());
    assertEquals(List.of("local", "peer"), sources, "server's own and the peer's view");
  }

  /**
   * The gauge shows the certificate's time left within 0.05 days. The test PKI is reused between
   * runs (target/test-pki), so "time left" is computed from the certificate itself, which must be
   * valid for exactly {@code days}.
   */
  static void assertDays(
      List<DoublePointData> points, TestPki.Server server, String subject, int days)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(TestPki.keyStore(server))) {
      store.load(in, TestPki.PASSWORD);
    }
    X509Certificate cert = null;
    for (String alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias)) {
        cert = (X509Certificate) store.getCertificate(alias);
      }
    }
    assertTrue(cert != null && subject.equals(cert.getSubjectX500Principal().getName()), subject);
    long validDays =
        Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays();
    assertEquals(days, validDays, subject + " validity");
    double expected =
        Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toMillis() / 86_400_000.0;
    List<DoublePointData> mine =
        points.stream()
            .filter(p -> subject.equals(p.getAttributes().get(SUBJECT)))
            .collect(Collectors.toList());
    assertEquals(2, mine.size(), "seen by the client (peer) and the server (local): " + points);
    for (DoublePointData p : mine) {
      double d = p.getValue() / 86_400;
      assertTrue(
          d > expected - 0.05 && d <= expected + 0.001,
          subject + ": " + d + " days, expected " + expected);
    }
  }

  static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
  }
}
