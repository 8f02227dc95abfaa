package dev.handshakeagent.agent.reliability;

import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.DIR;
import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.conflicts;
import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.hex;
import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.isHandshakeRoot;
import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.officialStderr;
import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.port;
import static dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.scenarioByPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.packaged.NoTlsMain;
import dev.handshakeagent.agent.reliability.PackagedAgentCoexistenceTest.Trees;
import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import dev.handshakeagent.agent.testing.ScenarioMain;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code handshake-agent-extension.jar} as an extension of the official OpenTelemetry Java agent
 * (the version the coexistence test uses, and the oldest supported), on a child JVM of each JDK:
 * one JVM exports over OTLP/gRPC with the agent's default sampler, one over http/protobuf with a 0%
 * sampler. The handshake trees arrive through the official agent's exporter, with its resource and
 * service name, client roots inside its HTTP client spans, failed handshakes kept under the 0%
 * sampler, metrics through its meter; the application's results and stderr are those of the
 * official agent alone. Also: both this agent's {@code -javaagent} and the extension given (one
 * tree per handshake, one line), and each jar given in the other's place (one line naming the right
 * one).
 */
class PackagedAgentExtensionTest {
  static final Path EXTENSION =
      Paths.get(System.getProperty("extension.jar", "target/handshake-agent-extension.jar"));

  static final String[] SCENARIOS = {
    "TLS13_SOCKET_RSA", "PROTOCOL_MISMATCH", "HTTPS_URL_CONNECTION", "HTTPS_HTTP_CLIENT"
  };

  static final String SERVICE = "extension-app";
  static final String SCOPE = "dev.handshakeagent";
  static final String AGENT_LINE = "handshake-agent - ";

  /** The official agent's versions: the current one, then the oldest supported (see the pom). */
  enum Official {
    CURRENT("opentelemetry-javaagent.jar", 0),
    OLDEST("opentelemetry-javaagent-oldest.jar", 1);

    final String file;
    final String version;

    Official(String file, int index) {
      this.file = file;
      this.version =
          System.getProperty("otel.javaagent.versions", "2.33.1,2.10.0").split(",")[index];
    }

    /**
     * Whether this version's HTTP client instrumentation works on the JDK of {@code run}: 2.10
     * makes no HTTP client span on JDK 25, which it predates (found by this test).
     */
    boolean tracesHttpClientsOn(ChildJvm.Output run) {
      return this == CURRENT || !run.stdout.contains("JAVA 25");
    }

    Path jar() {
      Path jar = DIR.resolve(file);
      assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn verify");
      return jar;
    }

    @Override
    public String toString() {
      return version;
    }
  }

  static Stream<Arguments> jdksAndVersions() {
    return ChildJvm.jdks().flatMap(j -> Stream.of(Official.values()).map(v -> Arguments.of(j, v)));
  }

  /** The official agent's settings: its service name, exporters, and {@code protocol}. */
  static List<String> officialConfig(OtlpReceiver receiver, String protocol) {
    return List.of(
        "-Dotel.service.name=" + SERVICE,
        "-Dotel.traces.exporter=otlp",
        "-Dotel.metrics.exporter=otlp",
        "-Dotel.logs.exporter=none",
        "-Dotel.exporter.otlp.protocol=" + protocol,
        "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint());
  }

  static List<String> withExtension(Official official, OtlpReceiver receiver, String protocol) {
    List<String> jvm = new ArrayList<>();
    jvm.add("-javaagent:" + official.jar().toAbsolutePath());
    jvm.add("-Dotel.javaagent.extensions=" + extension());
    // One of this agent's options as the official agent's setting: no success is kept as slow,
    // even on a loaded machine, so under the 0% sampler only the failed ones are exported.
    jvm.add("-Dotel.instrumentation.tls-handshake.slow.threshold=60s");
    jvm.addAll(officialConfig(receiver, protocol));
    return jvm;
  }

  static String extension() {
    assertTrue(Files.isRegularFile(EXTENSION), "build the agent first: " + EXTENSION);
    return EXTENSION.toAbsolutePath().toString();
  }

  /** The current official agent alone, per JDK: the application's results and stderr. */
  static final Map<String, ChildJvm.Output> ALONE = new ConcurrentHashMap<>();

  static ChildJvm.Output alone(String javaHome) throws Exception {
    if (!ALONE.containsKey(javaHome)) {
      try (OtlpReceiver receiver = new OtlpReceiver()) {
        List<String> jvm = new ArrayList<>();
        jvm.add("-javaagent:" + Official.CURRENT.jar().toAbsolutePath());
        jvm.add("-Dotel.instrumentation.tls-handshake.slow.threshold=60s");
        jvm.addAll(officialConfig(receiver, "http/protobuf"));
        ChildJvm.Output out =
            ChildJvm.run(javaHome, jvm, Map.of(), List.of(), ScenarioMain.class, SCENARIOS);
        assertEquals(0, out.exitCode, out.toString());
        assertEquals(SCENARIOS.length, out.results().size(), out.toString());
        ALONE.put(javaHome, out);
      }
    }
    return ALONE.get(javaHome);
  }

  @ParameterizedTest(name = "official agent {1} on {0}")
  @MethodSource("jdksAndVersions")
  void extensionOfTheOfficialAgent(String javaHome, Official official) throws Exception {
    ChildJvm.Output alone = alone(javaHome);

    // OTLP/gRPC, the official agent's default sampler (parent based, always on).
    try (OtlpReceiver grpc = OtlpReceiver.grpc()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              withExtension(official, grpc, "grpc"),
              Map.of(),
              List.of(),
              ScenarioMain.class,
              SCENARIOS);
      applicationUnchanged(official, alone, out);
      int connections = out.results().size();
      List<OtlpReceiver.Received> ours = ours(grpc.spans());
      Map<String, OtlpReceiver.Received> theirs = theirs(grpc.spans());
      Trees trees = Trees.of(ours, theirs.keySet());
      assertEquals(connections, trees.roots("client").size(), trees.toString());
      assertEquals(connections, trees.roots("server").size(), trees.toString());
      assertTrue(trees.phases > 0, "phase spans");
      officialResource(official, ours);
      // Client roots inside the official agent's HTTP client spans, in their traces.
      Map<String, String> scenarios = scenarioByPort(out.stdout);
      List<String> nested = new ArrayList<>();
      for (OtlpReceiver.Received r : trees.roots("client")) {
        String scenario = scenarios.get(port(r));
        OtlpReceiver.Received parent = theirs.get(hex(r.span.getParentSpanId().toByteArray()));
        if (parent != null) {
          assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, parent.span.getKind(), r.toString());
          assertEquals(parent.span.getTraceId(), r.span.getTraceId(), r.toString());
          nested.add(scenario + " in " + parent.span.getName());
        } else if (official.tracesHttpClientsOn(out)) {
          assertFalse(scenario.startsWith("HTTPS_"), "outside its HTTP span: " + r);
        }
      }
      if (official.tracesHttpClientsOn(out)) {
        assertTrue(nested.contains("HTTPS_URL_CONNECTION in GET"), nested.toString());
        // HttpClient runs the handshake on its selector thread: parented by the engine's maker.
        assertTrue(nested.contains("HTTPS_HTTP_CLIENT in GET"), nested.toString());
      } else {
        // Nothing to nest in: that agent made no HTTP client span on this JDK.
        assertEquals(List.of(), nested);
        assertTrue(
            theirs.values().stream()
                .noneMatch(r -> r.span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT),
            theirs.values().toString());
      }
      failedKeptAsError(trees);
      int points = handshakeDurations(grpc);
      assertEquals(2 * connections, points, "tls.handshake.duration data points");
      Reliability.reportChild(
          javaHome,
          "extension of the official agent "
              + official
              + " over OTLP/gRPC: "
              + connections
              + " handshakes, "
              + (trees.roots("client").size() + trees.roots("server").size())
              + " roots, "
              + trees.phases
              + " phase spans, client roots in the official agent's spans "
              + nested
              + ", "
              + theirs.size()
              + " official spans, "
              + points
              + " handshake durations; "
              + out.millis
              + " ms (official agent alone "
              + alone.millis
              + " ms)");
      if (official == Official.CURRENT) {
        OtlpReceiver.Received url =
            trees.roots("client").stream()
                .filter(r -> "HTTPS_URL_CONNECTION".equals(scenarios.get(port(r))))
                .findFirst()
                .orElseThrow();
        OtlpReceiver.Received http = theirs.get(hex(url.span.getParentSpanId().toByteArray()));
        Reliability.reportChild(
            javaHome,
            "a tree received over OTLP/gRPC, inside the official agent's span '"
                + http.span.getName()
                + "' ("
                + http.span.getKind()
                + ", scope "
                + http.scope
                + ", span "
                + hex(http.span.getSpanId().toByteArray())
                + "):\n"
                + tree(url, ours));
      }
    }

    // http/protobuf, a 0% sampler: only the failed handshakes' trees, with their reason.
    try (OtlpReceiver http = new OtlpReceiver()) {
      List<String> jvm = withExtension(official, http, "http/protobuf");
      jvm.add("-Dotel.traces.sampler=traceidratio");
      jvm.add("-Dotel.traces.sampler.arg=0");
      ChildJvm.Output out =
          ChildJvm.run(javaHome, jvm, Map.of(), List.of(), ScenarioMain.class, SCENARIOS);
      applicationUnchanged(official, alone, out);
      List<OtlpReceiver.Received> ours = ours(http.spans());
      assertEquals(Map.of(), theirs(http.spans()), "the official agent's spans under 0%");
      Trees trees = Trees.of(ours, Set.of());
      Map<String, String> scenarios = scenarioByPort(out.stdout);
      for (String role : List.of("client", "server")) {
        assertEquals(1, trees.roots(role).size(), trees.toString());
        assertEquals("PROTOCOL_MISMATCH", scenarios.get(port(trees.roots(role).get(0))));
      }
      assertTrue(trees.phases > 0, "the failed handshakes' phases");
      failedKeptAsError(trees);
      officialResource(official, ours);
      int points = handshakeDurations(http);
      assertEquals(2 * out.results().size(), points, "metrics whatever the sampler");
      Reliability.reportChild(
          javaHome,
          "extension of the official agent "
              + official
              + " over http/protobuf, sampler traceidratio 0: "
              + out.results().size()
              + " handshakes, exported roots: "
              + trees.roots("client").size()
              + " client and "
              + trees.roots("server").size()
              + " server, both PROTOCOL_MISMATCH with kept_because=error, "
              + trees.phases
              + " phase spans, 0 official spans, "
              + points
              + " handshake durations; "
              + out.millis
              + " ms");
    }
  }

  /** Results as with the official agent alone; stderr too, and nothing from this agent. */
  static void applicationUnchanged(Official official, ChildJvm.Output alone, ChildJvm.Output out) {
    assertEquals(0, out.exitCode, out.toString());
    assertEquals(List.of(), conflicts(out), "class conflicts: " + out);
    assertEquals(alone.results(), out.results(), "the application's results");
    assertTrue(out.stdout.contains("DONE"), out.toString());
    List<String> stderr = officialStderr(out);
    assertTrue(stderr.stream().noneMatch(l -> l.contains(AGENT_LINE)), out.stderr);
    if (official == Official.CURRENT) {
      assertEquals(officialStderr(alone), stderr, "stderr, official agent alone vs with extension");
    }
  }

  static List<OtlpReceiver.Received> ours(List<OtlpReceiver.Received> spans) {
    return spans.stream().filter(r -> SCOPE.equals(r.scope)).collect(Collectors.toList());
  }

  static Map<String, OtlpReceiver.Received> theirs(List<OtlpReceiver.Received> spans) {
    Map<String, OtlpReceiver.Received> out = new HashMap<>();
    for (OtlpReceiver.Received r : spans) {
      if (!SCOPE.equals(r.scope)) {
        out.put(hex(r.span.getSpanId().toByteArray()), r);
      }
    }
    return out;
  }

  /** The official agent's resource: the configured service name and its own distribution. */
  static void officialResource(Official official, List<OtlpReceiver.Received> ours) {
    assertFalse(ours.isEmpty());
    for (OtlpReceiver.Received r : ours) {
      assertEquals(SERVICE, r.resourceAttr("service.name"), r.resource.toString());
      assertEquals(official.version, r.resourceAttr("telemetry.distro.version"), r.toString());
    }
  }

  static void failedKeptAsError(Trees trees) {
    int failed = 0;
    for (String role : List.of("client", "server")) {
      for (OtlpReceiver.Received r : trees.roots(role)) {
        if (r.span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
          assertEquals("error", r.attr("handshake.kept_because"), r.toString());
          failed++;
        }
      }
    }
    assertEquals(2, failed, "the failed handshake's client and server roots: " + trees);
  }

  /**
   * Data points counted by the last {@code tls.handshake.duration} export (cumulative), which came
   * with the official agent's resource.
   */
  static int handshakeDurations(OtlpReceiver receiver) {
    List<Metric> metrics = receiver.metrics();
    List<Resource> resources = receiver.metricResources();
    Metric last = null;
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).getName().equals("tls.handshake.duration")) {
        last = metrics.get(i);
        assertEquals(
            SERVICE, OtlpReceiver.attr(resources.get(i), "service.name"), "metric resource");
      }
    }
    assertTrue(last != null, "tls.handshake.duration through the official agent's meter");
    long count = 0;
    for (HistogramDataPoint p : last.getHistogram().getDataPointsList()) {
      count += p.getCount();
    }
    return (int) count;
  }

  /** Both this agent's {@code -javaagent} and the extension: one tree per handshake, one line. */
  @ParameterizedTest(name = "on {0}")
  @MethodSource("jdks")
  void bothGivenByMistake(String javaHome) throws Exception {
    // The official agent first on the first JDK, this agent first on the second: the first to
    // start is used, the other says so.
    boolean officialFirst = javaHome.equals(ChildJvm.jdks().findFirst().orElseThrow());
    ChildJvm.Output alone = alone(javaHome);
    try (OtlpReceiver theirs = new OtlpReceiver();
        OtlpReceiver ours = new OtlpReceiver()) {
      List<String> official = withExtension(Official.CURRENT, theirs, "http/protobuf");
      String standalone = ChildJvm.javaagent("otel.exporter.otlp.endpoint=" + ours.endpoint());
      List<String> jvm = new ArrayList<>();
      if (!officialFirst) {
        jvm.add(standalone);
      }
      jvm.addAll(official);
      if (officialFirst) {
        jvm.add(standalone);
      }
      ChildJvm.Output out =
          ChildJvm.run(javaHome, jvm, Map.of(), List.of(), ScenarioMain.class, SCENARIOS);
      assertEquals(0, out.exitCode, out.toString());
      assertEquals(List.of(), conflicts(out), "class conflicts: " + out);
      assertEquals(alone.results(), out.results(), "the application's results");
      List<String> lines =
          out.stderrLines().stream()
              .filter(l -> l.contains(AGENT_LINE))
              .collect(Collectors.toList());
      assertEquals(1, lines.size(), out.stderr);
      assertTrue(lines.get(0).startsWith("WARN " + AGENT_LINE), lines.get(0));
      assertTrue(lines.get(0).contains("give only one of the two"), lines.get(0));
      // One tree per handshake, from whichever was used.
      List<OtlpReceiver.Received> handshakeSpans = new ArrayList<>(ours(theirs.spans()));
      handshakeSpans.addAll(ours.spans());
      Trees trees = Trees.of(handshakeSpans, theirs(theirs.spans()).keySet());
      int connections = out.results().size();
      assertEquals(connections, trees.roots("client").size(), trees.toString());
      assertEquals(connections, trees.roots("server").size(), trees.toString());
      assertEquals(
          officialFirst ? 0 : handshakeSpans.size(),
          ours.spans().size(),
          "spans through this agent's own SDK");
      Reliability.reportChild(
          javaHome,
          "-javaagent and extension both given ("
              + (officialFirst ? "official agent first: the extension" : "this agent first: it")
              + " is used): "
              + connections
              + " handshakes, "
              + (trees.roots("client").size() + trees.roots("server").size())
              + " roots, one line: "
              + lines.get(0));
    }
  }

  static Stream<String> jdks() {
    return ChildJvm.jdks();
  }

  /** Each jar in the other's place: it runs nothing and one line names the right one. */
  @Test
  void wrongJarNamesTheRightOne() throws Exception {
    String javaHome = ChildJvm.jdks().findFirst().orElseThrow();
    ChildJvm.Output asJavaagent =
        ChildJvm.run(javaHome, List.of("-javaagent:" + extension()), Map.of(), NoTlsMain.class);
    ChildJvm.Output asExtension;
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      List<String> jvm = new ArrayList<>();
      jvm.add("-javaagent:" + Official.CURRENT.jar().toAbsolutePath());
      jvm.add("-Dotel.javaagent.extensions=" + ChildJvm.AGENT.toAbsolutePath());
      jvm.addAll(officialConfig(receiver, "http/protobuf"));
      asExtension = ChildJvm.run(javaHome, jvm, Map.of(), NoTlsMain.class);
    }
    for (ChildJvm.Output out : List.of(asJavaagent, asExtension)) {
      assertEquals(0, out.exitCode, out.toString());
      assertTrue(out.stdout.contains("STATUS null"), "nothing installed: " + out);
      assertEquals(List.of(), conflicts(out), out.toString());
    }
    List<String> one = agentLines(asJavaagent);
    assertEquals(1, one.size(), asJavaagent.stderr);
    assertTrue(one.get(0).contains("for -javaagent use handshake-agent.jar"), one.get(0));
    List<String> other = agentLines(asExtension);
    assertEquals(1, other.size(), asExtension.stderr);
    assertTrue(other.get(0).contains("use handshake-agent-extension.jar"), other.get(0));
    Reliability.reportChild(javaHome, "extension jar as -javaagent: " + one.get(0));
    Reliability.reportChild(javaHome, "standalone jar as extension: " + other.get(0));
  }

  static List<String> agentLines(ChildJvm.Output out) {
    return out.stderrLines().stream()
        .filter(l -> l.contains(AGENT_LINE))
        .collect(Collectors.toList());
  }

  /** A root and its phases as indented lines: name, ids, key attributes, the resource. */
  static String tree(OtlpReceiver.Received root, List<OtlpReceiver.Received> spans) {
    StringBuilder sb = new StringBuilder();
    sb.append("resource: service.name=")
        .append(root.resourceAttr("service.name"))
        .append(" telemetry.distro.name=")
        .append(root.resourceAttr("telemetry.distro.name"))
        .append(" telemetry.distro.version=")
        .append(root.resourceAttr("telemetry.distro.version"))
        .append(" scope=")
        .append(root.scope)
        .append('\n');
    append(sb, root, spans, 0);
    return sb.toString();
  }

  private static void append(
      StringBuilder sb, OtlpReceiver.Received span, List<OtlpReceiver.Received> spans, int depth) {
    sb.append("  ".repeat(depth))
        .append(span.span.getName())
        .append("  trace=")
        .append(hex(span.span.getTraceId().toByteArray()))
        .append(" span=")
        .append(hex(span.span.getSpanId().toByteArray()))
        .append(" parent=")
        .append(hex(span.span.getParentSpanId().toByteArray()))
        .append(" ")
        .append((span.span.getEndTimeUnixNano() - span.span.getStartTimeUnixNano()) / 1000)
        .append(" us");
    if (isHandshakeRoot(span)) {
      for (String key :
          List.of(
              "handshake.role",
              "tls.protocol.version",
              "tls.cipher",
              "server.address",
              "server.port",
              "handshake.kept_because")) {
        sb.append(' ').append(key).append('=').append(span.attr(key));
      }
    }
    sb.append('\n');
    String id = hex(span.span.getSpanId().toByteArray());
    spans.stream()
        .filter(s -> hex(s.span.getParentSpanId().toByteArray()).equals(id))
        .sorted(Comparator.comparingLong(s -> s.span.getStartTimeUnixNano()))
        .forEach(s -> append(sb, s, spans, depth + 1));
  }
}
