package dev.handshakeagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import dev.handshakeagent.agent.testing.ScenarioMain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configuration of the packaged agent in a child JVM of each JDK: every option with a bad value
 * (as agent argument, system property and environment variable), an unknown option, a malformed
 * argument string, an unreachable and a malformed OTLP endpoint. Each problem is one line on stderr
 * naming the key and the accepted values; the application runs with the same results as without the
 * agent; the defaults apply.
 */
class PackagedAgentBadConfigTest {
  static final String[] SCENARIOS = {"TLS13_SOCKET_RSA", "TLS12_ENGINE", "PROTOCOL_MISMATCH"};
  static final String BOOL = "(accepted: true, false)";
  static final String DURATION =
      "(accepted: a positive duration such as 500ms, 30s, 2m; a bare number is milliseconds)";
  static final String KEYS =
      "(accepted keys: enabled, phases, abandon.timeout, slow.threshold, rejection.wait, offered, console, otel.*)";

  /** RESULT lines of the application without the agent, per JDK. */
  static final Map<String, List<String>> PLAIN = new ConcurrentHashMap<>();

  static Stream<String> jdks() {
    return ChildJvm.jdks();
  }

  static List<String> plain(String javaHome) throws Exception {
    if (!PLAIN.containsKey(javaHome)) {
      ChildJvm.Output out =
          ChildJvm.run(javaHome, List.of(), Map.of(), ScenarioMain.class, SCENARIOS);
      assertEquals(0, out.exitCode, out.toString());
      PLAIN.put(javaHome, out.results());
    }
    return PLAIN.get(javaHome);
  }

  /** Runs the scenarios with the agent; asserts the application ran as without it. */
  static ChildJvm.Output traced(String javaHome, List<String> jvmArgs, Map<String, String> env)
      throws Exception {
    List<String> expected = plain(javaHome);
    ChildJvm.Output out = ChildJvm.run(javaHome, jvmArgs, env, ScenarioMain.class, SCENARIOS);
    assertEquals(0, out.exitCode, out.toString());
    assertTrue(out.stdout.contains("DONE"), out.toString());
    assertEquals(expected, out.results(), "the application's results, with vs without the agent");
    return out;
  }

  /** Stderr is exactly {@code expected.size()} agent lines, each containing its fragments. */
  static void assertLines(ChildJvm.Output out, List<List<String>> expected) {
    List<String> lines = out.stderrLines();
    assertEquals(expected.size(), lines.size(), "stderr lines: " + out.stderr);
    for (int i = 0; i < expected.size(); i++) {
      String line = lines.get(i);
      assertTrue(line.startsWith("WARN handshake-agent - "), line);
      for (String fragment : expected.get(i)) {
        assertTrue(line.contains(fragment), "'" + fragment + "' not in: " + line);
      }
    }
  }

  static boolean hasPhaseSpans(OtlpReceiver receiver) {
    return receiver.spans().stream().anyMatch(s -> s.span.getName().equals("send client_hello"));
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void everyOptionWithABadAgentArgumentAndAnUnknownOne(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          traced(
              javaHome,
              List.of(
                  ChildJvm.javaagent(
                      "enabled=yes,phases=maybe,abandon.timeout=-5s,slow.threshold=fast,"
                          + "console=loud,colour=red"),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.traces.sampler=traceidratio",
                  "-Dotel.traces.sampler.arg=0.0"),
              Map.of());
      assertLines(
          out,
          List.of(
              List.of("unknown agent option 'colour'", KEYS),
              List.of("'yes' for agent option enabled " + BOOL, "using the default true"),
              List.of("'maybe' for agent option phases " + BOOL, "using the default true"),
              List.of("'-5s' for agent option abandon.timeout " + DURATION, "default 60s"),
              List.of("'fast' for agent option slow.threshold " + DURATION, "default 1s"),
              List.of("'loud' for agent option console " + BOOL, "using the default false")));
      // Defaults in force: enabled, phases on, console off (no waterfall on stderr, checked
      // above), slow.threshold 1 s: with sampling ratio 0 only the failed handshakes are kept,
      // and a successful one only if it took at least 1 s.
      List<OtlpReceiver.Received> roots =
          receiver.spans().stream()
              .filter(OtlpReceiver.Received::isRoot)
              .collect(Collectors.toList());
      assertTrue(hasPhaseSpans(receiver), "phase spans: " + receiver.spans());
      assertEquals(
          2,
          roots.stream().filter(r -> "error".equals(r.attr("handshake.kept_because"))).count(),
          roots.toString());
      for (OtlpReceiver.Received r : roots) {
        if ("true".equals(r.attr("tls.established"))) {
          long millis = (r.span.getEndTimeUnixNano() - r.span.getStartTimeUnixNano()) / 1_000_000;
          assertEquals("slow", r.attr("handshake.kept_because"), r.toString());
          assertTrue(millis >= 1000, "kept as slow after " + millis + " ms: " + r);
        }
      }
      report(javaHome, "bad agent arguments", out);
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void everyOptionWithABadSystemPropertyOrEnvironmentVariable(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env = new HashMap<>();
      env.put("HANDSHAKE_SLOW_THRESHOLD", "10x");
      env.put("HANDSHAKE_CONSOLE", "");
      ChildJvm.Output out =
          traced(
              javaHome,
              List.of(
                  ChildJvm.javaagent(null),
                  "-Dhandshake.enabled=1",
                  "-Dhandshake.phases=off",
                  "-Dhandshake.abandon.timeout=0",
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint()),
              env);
      assertLines(
          out,
          List.of(
              List.of("'1' for system property handshake.enabled " + BOOL, "default true"),
              List.of("'off' for system property handshake.phases " + BOOL, "default true"),
              List.of("'0' for system property handshake.abandon.timeout " + DURATION),
              List.of("'10x' for environment variable HANDSHAKE_SLOW_THRESHOLD " + DURATION),
              List.of("'' for environment variable HANDSHAKE_CONSOLE " + BOOL)));
      long roots = receiver.spans().stream().filter(OtlpReceiver.Received::isRoot).count();
      assertEquals(6, roots, "three handshakes, both sides: " + receiver.spans());
      assertTrue(hasPhaseSpans(receiver));
      report(javaHome, "bad system properties and environment variables", out);
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void malformedAgentArgumentString(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          traced(
              javaHome,
              List.of(
                  ChildJvm.javaagent("=,,=x,phases"),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint()),
              Map.of());
      assertLines(
          out,
          List.of(
              List.of("agent option '=' is not key=value; ignored " + KEYS),
              List.of("agent option '=x' is not key=value; ignored " + KEYS),
              List.of("agent option 'phases' is not key=value; ignored " + KEYS)));
      assertEquals(6, receiver.spans().stream().filter(OtlpReceiver.Received::isRoot).count());
      assertTrue(hasPhaseSpans(receiver));
      report(javaHome, "malformed agent argument string", out);
    }
  }

  /**
   * An endpoint that refuses connections, and an application that exits before the SDK's first
   * scheduled export, so every export fails during exit: one line naming the endpoint and what was
   * not delivered, and the exit is not held (docs/reliability.md, bug 1: it was silent, and 15 s
   * late before the exit budget).
   */
  @ParameterizedTest
  @MethodSource("jdks")
  void unreachableEndpoint(String javaHome) throws Exception {
    ChildJvm.Output baseline =
        traced(
            javaHome,
            List.of(
                ChildJvm.javaagent(null),
                "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none"),
            Map.of());
    ChildJvm.Output out =
        traced(
            javaHome,
            List.of(ChildJvm.javaagent(null), "-Dotel.exporter.otlp.endpoint=http://127.0.0.1:1"),
            Map.of());
    report(javaHome, "unreachable endpoint (baseline run " + baseline.millis + " ms)", out);
    List<String> lines = out.stderrLines();
    assertEquals(1, lines.size(), "one line about the endpoint: " + out.stderr);
    assertTrue(lines.get(0).startsWith("WARN handshake-agent - "), lines.get(0));
    assertTrue(
        lines.get(0).contains("spans not delivered to http://127.0.0.1:1/v1/traces"), lines.get(0));
    // Three handshakes, both sides: every root is accounted for as not delivered.
    assertTrue(lines.get(0).contains(" (6 of 6 handshakes)"), lines.get(0));
    assertTrue(
        out.millis < baseline.millis + 7_000,
        "exit delayed: " + out.millis + " ms vs " + baseline.millis + " ms");
  }

  /**
   * One agent line naming the setting and what it accepts, none from the SDK (docs/reliability.md,
   * bug 2, fixed: the line did not name the setting, and the SDK's java.util.logging added two);
   * the default endpoint is used, and when no collector listens there, the exit summary names it.
   */
  @ParameterizedTest
  @MethodSource("jdks")
  void malformedEndpoint(String javaHome) throws Exception {
    ChildJvm.Output out =
        traced(
            javaHome,
            List.of(ChildJvm.javaagent(null), "-Dotel.exporter.otlp.endpoint=not a url"),
            Map.of());
    List<String> sdkLines = sdkJulLines(out.stderrLines());
    report(javaHome, "malformed endpoint (" + sdkLines.size() + " of them from the SDK)", out);
    List<String> agentLines = new ArrayList<>(out.stderrLines());
    agentLines.removeAll(sdkLines);
    // Fixed since: the agent names the key and its accepted values, and uses the default
    // endpoint, so the SDK configures without an error of its own. With no collector on the
    // default endpoint, what was not delivered there is said at exit in one more line.
    assertTrue(agentLines.size() == 1 || agentLines.size() == 2, out.stderr);
    if (agentLines.size() == 2) {
      assertTrue(
          agentLines
              .get(1)
              .startsWith(
                  "WARN handshake-agent - spans not delivered to http://localhost:4318/v1/traces"),
          agentLines.get(1));
    }
    assertTrue(agentLines.get(0).startsWith("WARN handshake-agent - "), agentLines.get(0));
    assertTrue(
        agentLines.get(0).contains("'not a url' for otel.exporter.otlp.endpoint"),
        agentLines.get(0));
    assertTrue(agentLines.get(0).contains("accepted: an http:// or https:// URL"));
    assertEquals(List.of(), sdkLines, "the SDK's own log lines");
  }

  /** Lines the shaded SDK logged through java.util.logging (a date line, then LEVEL: message). */
  static List<String> sdkJulLines(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(" dev.handshakeagent.shaded.opentelemetry.")) {
        out.add(lines.get(i));
        if (i + 1 < lines.size() && lines.get(i + 1).matches("^[A-Z]+: .*")) {
          out.add(lines.get(++i));
        }
      }
    }
    return out;
  }

  static void report(String javaHome, String what, ChildJvm.Output out) {
    List<String> lines = new ArrayList<>(out.stderrLines());
    Reliability.reportChild(
        javaHome,
        "bad config, "
            + what
            + ": exit "
            + out.exitCode
            + " after "
            + out.millis
            + " ms, "
            + lines.size()
            + " stderr line(s)"
            + (lines.isEmpty() ? "" : ", first: " + lines.get(0)));
  }
}
