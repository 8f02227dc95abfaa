package dev.handshakeagent.agent.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import dev.handshakeagent.agent.testing.TestPki;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent's configuration in a child JVM of each JDK: the exporter's own TLS traffic is
 * never traced, a bad option is one clear line and the default, and {@code
 * OTEL_TRACES_EXPORTER=none} exports nothing while the application runs unchanged.
 */
class PackagedAgentOptionsTest {

  static Stream<String> jdks() {
    return PackagedAgentTest.jdks().map(a -> (String) a.get()[1]);
  }

  static String agent(String options) {
    return "-javaagent:" + PackagedAgentTest.AGENT.toAbsolutePath() + options;
  }

  /**
   * The spans of a successful handshake are handed to the SDK's processors directly, unless a span
   * limit is configured, when they are built through the tracer (which applies it). Both ways
   * export the same spans: names, tree, status, scope, and every attribute (ports aside, which
   * differ per connection), for full, resumed, mutual and HelloRetryRequest handshakes and a
   * failure.
   */
  @ParameterizedTest
  @MethodSource("jdks")
  void directAndTracerPathsExportTheSameSpans(String javaHome) throws Exception {
    String[] scenarios = {
      "TLS13_SOCKET_RSA",
      "MTLS13_ENGINE",
      "TLS12_ENGINE",
      "RESUME13_SOCKET",
      "RESUME12_SOCKET",
      "HELLO_RETRY_SOCKET",
      "KEY_UPDATE13_SOCKET"
    };
    List<String> direct = canonicalSpans(javaHome, List.of(), scenarios);
    List<String> tracer =
        canonicalSpans(javaHome, List.of("-Dotel.span.attribute.count.limit=1000"), scenarios);
    assertTrue(direct.size() > 40, "spans exported: " + direct);
    assertEquals(String.join("\n", tracer), String.join("\n", direct));
  }

  private static List<String> canonicalSpans(
      String javaHome, List<String> extra, String... scenarios) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  agent(""),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.service.name=paths",
                  "-Dhandshake.slow.threshold=10m",
                  "-Dotel.bsp.schedule.delay=100"));
      args.addAll(extra);
      ChildJvm.Output out = ChildJvm.run(javaHome, args, scenarios);
      assertEquals(0, out.exitCode, out.stderr);
      Map<String, String> names = new HashMap<>();
      for (OtlpReceiver.Received r : receiver.spans()) {
        names.put(HexFormat.of().formatHex(r.span.getSpanId().toByteArray()), r.span.getName());
      }
      return receiver.spans().stream()
          .map(
              r ->
                  r.span.getName()
                      + " <- "
                      + names.getOrDefault(
                          HexFormat.of().formatHex(r.span.getParentSpanId().toByteArray()), "-")
                      + " status="
                      + r.span.getStatus().getCode()
                      + "/"
                      + r.span.getStatus().getMessage()
                      + " events="
                      + r.span.getEventsCount()
                      + " dropped="
                      + r.span.getDroppedAttributesCount()
                      + " kind="
                      + r.span.getKind()
                      + " service="
                      + r.resourceAttr("service.name")
                      + " "
                      + r.span.getAttributesList().stream()
                          .map(
                              kv ->
                                  kv.getKey()
                                      + "="
                                      + (kv.getKey().endsWith(".port")
                                          ? "*"
                                          : kv.getValue()
                                              .toString()
                                              .trim()
                                              .replaceAll("\\s+", " ")))
                          .sorted()
                          .collect(Collectors.joining(",")))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void exporterOverTlsIsNotTracedItself(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver(TestPki.serverContext(TestPki.Server.RSA))) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(
                  agent(""),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.exporter.otlp.certificate=" + TestPki.dir().resolve("ca.cer"),
                  "-Dotel.bsp.schedule.delay=100"),
              "TLS13_SOCKET_RSA",
              "TLS12_ENGINE");
      assertEquals(0, out.exitCode, out.stderr);
      PackagedAgentTest.assertNoAgentComplaint(out.stderr);
      List<OtlpReceiver.Received> roots =
          receiver.spans().stream()
              .filter(OtlpReceiver.Received::isRoot)
              .collect(Collectors.toList());
      assertTrue(receiver.requests() >= 1, "the exporter reached the HTTPS receiver");
      assertEquals(
          4, roots.size(), "two handshakes, two sides, and none of the exporter's: " + roots);
      String receiverPort = String.valueOf(receiver.port());
      assertTrue(
          roots.stream().noneMatch(r -> receiverPort.equals(r.attr("server.port"))),
          roots.toString());
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void rootIsChildOfTheApplicationsOwnOpenTelemetrySpan(String javaHome) throws Exception {
    List<String> appOtel =
        ChildJvm.testClassPathJars(
            "opentelemetry-api-",
            "opentelemetry-context-",
            "opentelemetry-sdk-trace-",
            "opentelemetry-sdk-common-",
            "opentelemetry-common-");
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(agent(""), "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint()),
              appOtel,
              "--app-span",
              "TLS13_SOCKET_RSA");
      assertEquals(0, out.exitCode, out.stderr);
      PackagedAgentTest.assertNoAgentComplaint(out.stderr);
      String[] app =
          out.stdout.stream()
              .filter(l -> l.startsWith("APPSPAN "))
              .findFirst()
              .orElseThrow()
              .split(" ");
      OtlpReceiver.Received client =
          receiver.spans().stream()
              .filter(s -> s.span.getName().equals("TLS client handshake localhost"))
              .findFirst()
              .orElseThrow();
      assertEquals(app[1], hex(client.span.getTraceId().toByteArray()));
      assertEquals(app[2], hex(client.span.getParentSpanId().toByteArray()));
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void badOptionIsOneLineAndTheDefault(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(
                  agent("=phases=maybe"),
                  "-Dhandshake.abandon.timeout=soon",
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint()),
              "TLS13_SOCKET_RSA");
      assertEquals(0, out.exitCode, out.stderr);
      List<String> agentLines =
          Arrays.stream(out.stderr.split("\n"))
              .filter(l -> l.contains("handshake-agent"))
              .collect(Collectors.toList());
      assertEquals(2, agentLines.size(), out.stderr);
      assertTrue(
          agentLines.get(0).contains("'maybe' for agent option phases (accepted: true, false)"),
          agentLines.get(0));
      assertTrue(
          agentLines.get(1).contains("'soon' for system property handshake.abandon.timeout"),
          agentLines.get(1));
      // Defaults in force: phases on.
      assertTrue(
          receiver.spans().stream().anyMatch(s -> s.span.getName().equals("send client_hello")));
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void metricsOverOtlpCountEveryHandshake(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(
                  agent(""),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.traces.sampler=traceidratio",
                  "-Dotel.traces.sampler.arg=0.0",
                  // A loaded CI machine can make a handshake take over the 1 s default.
                  "-Dhandshake.slow.threshold=60s"),
              "TLS13_SOCKET_RSA",
              "TLS12_ENGINE",
              "UNTRUSTED_ENGINE",
              "PROTOCOL_MISMATCH");
      assertEquals(0, out.exitCode, out.stderr);
      // Ratio 0: only the failed handshakes' traces are kept, the metrics count all of them.
      List<OtlpReceiver.Received> roots =
          receiver.spans().stream()
              .filter(OtlpReceiver.Received::isRoot)
              .collect(Collectors.toList());
      assertEquals(4, roots.size(), roots.toString());
      assertTrue(roots.stream().allMatch(r -> "error".equals(r.attr("handshake.kept_because"))));
      Metric duration = null;
      for (Metric m : receiver.metrics()) {
        if (m.getName().equals("tls.handshake.duration")) {
          duration = m; // cumulative: the last export has the totals
        }
      }
      assertTrue(duration != null, "no tls.handshake.duration received");
      long count =
          duration.getHistogram().getDataPointsList().stream()
              .mapToLong(HistogramDataPoint::getCount)
              .sum();
      assertEquals(8, count, "four handshakes, both sides");
      assertTrue(
          receiver.metrics().stream()
              .anyMatch(m -> m.getName().equals("tls.certificate.time_left")));
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void consoleWaterfallOnStderrWithoutAnyBackend(String javaHome) throws Exception {
    ChildJvm.Output out =
        ChildJvm.run(
            javaHome,
            List.of(agent("=console=true"), "-Dotel.traces.exporter=none"),
            "TLS13_SOCKET_RSA",
            "UNTRUSTED_SOCKET");
    assertEquals(0, out.exitCode, out.stderr);
    String port = out.stdout.get(1).replaceFirst(".* port=(\\d+) .*", "$1");
    List<String> lines = Arrays.asList(out.stderr.split("\n"));
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith("TLS client handshake localhost:" + port + "  TLSv1.3 TLS_AES_")
                        && l.endsWith(" OK")),
        out.stderr);
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.matches(
                        " +\\+[0-9.]+ ms +[0-9.]+ ms  \\|[=.x ]+\\|    validate certificate chain")),
        out.stderr);
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith("TLS client handshake localhost:")
                        && l.endsWith(
                            "FAILED certificate_unknown (local) in validate certificate chain")),
        out.stderr);
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void tracesExporterNoneExportsNothing(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(
                  agent(""),
                  "-Dotel.traces.exporter=none",
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint()),
              "TLS13_SOCKET_RSA");
      assertEquals(0, out.exitCode, out.stderr);
      assertTrue(
          out.stdout.stream().anyMatch(l -> l.contains("client=OK TLSv1.3")),
          out.stdout.toString());
      PackagedAgentTest.assertNoAgentComplaint(out.stderr);
      assertEquals(0, receiver.requests());
    }
  }
}
