package dev.handshakeagent.agent.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.providers.BcjsseScenarios;
import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent with BCJSSE (bctls 1.82 on the application's class path, not in the agent):
 * one child JVM per JDK runs every BCJSSE scenario with the agent, one without; the application's
 * results are identical, and every handshake is exported with {@code handshake.provider=BCJSSE},
 * its phases, and the failures' reasons.
 */
class PackagedAgentBcjsseTest {

  static List<String> bcJars() {
    return ChildJvm.testClassPathJars("bcprov-jdk18on-", "bctls-jdk18on-", "bcutil-jdk18on-");
  }

  @ParameterizedTest
  @MethodSource("dev.handshakeagent.agent.packaged.PackagedAgentOptionsTest#jdks")
  void everyBcjsseHandshakeIsTracedAndTheApplicationSeesNoDifference(String javaHome)
      throws Exception {
    assertEquals(3, bcJars().size(), "bctls, bcprov, bcutil on the test class path");
    ChildJvm.Output plain =
        ChildJvm.run(javaHome, List.of(), Map.of(), bcJars(), BcjsseScenarios.class);
    assertEquals(0, plain.exitCode, plain.stderr);
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output traced =
          ChildJvm.run(
              javaHome,
              List.of(
                  ChildJvm.javaagent(null),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dbcjsse.linger.millis=1500"),
              Map.of(),
              bcJars(),
              BcjsseScenarios.class);
      assertEquals(0, traced.exitCode, traced.stderr);
      PackagedAgentTest.assertNoAgentComplaint(traced.stderr);
      assertEquals(results(plain), results(traced));
      assertEquals(8, results(traced).size(), traced.stdout.toString());

      List<OtlpReceiver.Received> spans = receiver.spans();
      List<OtlpReceiver.Received> roots =
          spans.stream().filter(OtlpReceiver.Received::isRoot).collect(Collectors.toList());
      // 7 connections with both sides in BCJSSE; the peer that closes mid-handshake is plain TCP.
      assertEquals(15, roots.size(), roots.toString());
      assertTrue(roots.stream().allMatch(r -> "BCJSSE".equals(r.attr("handshake.provider"))));
      assertTrue(roots.stream().allMatch(r -> r.attr("handshake.hello_retry") == null), "unknown");
      Set<String> reasons =
          roots.stream()
              .map(r -> r.attr("handshake.failure_reason"))
              .filter(r -> r != null)
              .collect(Collectors.toSet());
      assertEquals(
          Set.of(
              "untrusted_certificate",
              "peer_rejected_certificate",
              "client_certificate_missing",
              "protocol_version_mismatch",
              "peer_closed"),
          reasons);
      assertEquals(
          2, roots.stream().filter(r -> "true".equals(r.attr("tls.resumed"))).count(), "resumed");
      Set<String> apis =
          roots.stream().map(r -> r.attr("handshake.api")).collect(Collectors.toSet());
      assertEquals(Set.of("SSLEngine", "SSLSocket"), apis);
      Set<String> names = spans.stream().map(s -> s.span.getName()).collect(Collectors.toSet());
      assertTrue(
          names.containsAll(
              List.of(
                  "send client_hello",
                  "receive server_hello",
                  "receive certificate",
                  "validate certificate chain",
                  "send finished",
                  "receive finished")),
          names.toString());
      // Every BCJSSE handshake is counted, under its provider.
      long counted = 0;
      for (Metric m : receiver.metrics()) {
        if (m.getName().equals("tls.handshake.duration")) {
          counted = 0; // cumulative: the last export has the totals
          for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
            assertEquals("BCJSSE", OtlpReceiver.value(p.getAttributesList(), "handshake.provider"));
            counted += p.getCount();
          }
        }
      }
      assertEquals(15, counted, "tls.handshake.duration points");
    }
  }

  private static List<String> results(ChildJvm.Output out) {
    return out.stdout.stream().filter(l -> l.startsWith("RESULT ")).collect(Collectors.toList());
  }
}
