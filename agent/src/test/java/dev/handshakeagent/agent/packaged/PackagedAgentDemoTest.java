package dev.handshakeagent.agent.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo application with the packaged agent attached, on JDK 17 and 25: every scenario behaves
 * as the demo expects, and the exported spans say the same (outcome, version, alert, client auth,
 * resumption, HelloRetryRequest, and the slow phase being the slow one).
 */
class PackagedAgentDemoTest {
  static final Path DEMO =
      Paths.get(System.getProperty("demo.jar", "../demo-app/target/demo-app.jar"));
  static final Pattern RESULT = Pattern.compile("^scenario (\\S+) port=(\\d+) result: .* PASS$");
  static final long SLOW_MS = 600;

  static List<String> jdks() {
    return PackagedAgentOptionsTest.jdks().collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void demoScenariosAsExpectedAndSpansAgree(String javaHome) throws Exception {
    assertTrue(Files.isRegularFile(DEMO), "build the demo first: " + DEMO);
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output demo =
          ChildJvm.run(
              ChildJvm.processBuilder(
                      javaHome,
                      List.of(
                          ChildJvm.javaagent("console=true,slow.threshold=500ms"),
                          "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint()),
                      Map.of(),
                      List.of("-jar", DEMO.toAbsolutePath().toString(), "--slow-ms", "" + SLOW_MS))
                  .redirectErrorStream(true));
      List<String> lines = demo.stdout;
      String all = String.join("\n", lines);
      assertEquals(0, demo.exitCode, all);
      assertTrue(
          lines.stream().anyMatch(l -> l.matches("summary: (\\d+) of \\1 scenarios as expected")),
          all);

      Map<String, String> ports = new HashMap<>();
      for (String l : lines) {
        Matcher m = RESULT.matcher(l);
        if (m.matches()) {
          ports.put(m.group(1), m.group(2));
        }
      }
      assertTrue(ports.size() >= 15, "every scenario reported: " + ports.keySet());
      List<OtlpReceiver.Received> spans = receiver.spans();

      assertClient(spans, ports, "tls13-socket", r -> "1.3".equals(r.attr("tls.protocol.version")));
      assertClient(spans, ports, "tls12-socket", r -> "1.2".equals(r.attr("tls.protocol.version")));
      assertClient(
          spans,
          ports,
          "tls13-engine",
          r ->
              "SSLEngine".equals(r.attr("handshake.api"))
                  && "true".equals(r.attr("tls.established")));
      assertClient(
          spans,
          ports,
          "tls12-engine",
          r ->
              "SSLEngine".equals(r.attr("handshake.api"))
                  && "1.2".equals(r.attr("tls.protocol.version")));
      assertServer(
          spans,
          ports,
          "mutual-tls",
          r ->
              "required".equals(r.attr("handshake.client_auth"))
                  && r.attr("tls.client.subject") != null);
      assertServer(
          spans,
          ports,
          "client-cert-missing",
          r -> Set.of("bad_certificate", "certificate_required").contains(r.attr("error.type")));
      assertClient(
          spans,
          ports,
          "untrusted-ca",
          r ->
              "certificate_unknown".equals(r.attr("error.type"))
                  && "validate certificate chain".equals(r.attr("handshake.failed_phase")));
      assertClient(
          spans,
          ports,
          "expired-cert",
          r ->
              Set.of("certificate_unknown", "certificate_expired").contains(r.attr("error.type"))
                  && r.attr("handshake.diagnosis").contains("expired on"));
      assertClient(
          spans,
          ports,
          "hostname-mismatch",
          r -> r.attr("handshake.diagnosis").startsWith("Host name mismatch"));
      assertClient(
          spans, ports, "protocol-mismatch", r -> "protocol_version".equals(r.attr("error.type")));
      assertServer(
          spans, ports, "no-shared-cipher", r -> "handshake_failure".equals(r.attr("error.type")));
      assertClient(
          spans, ports, "hello-retry", r -> "true".equals(r.attr("handshake.hello_retry")));
      assertClient(spans, ports, "session-resumption", r -> "true".equals(r.attr("tls.resumed")));
      assertClient(spans, ports, "https-httpclient", r -> "true".equals(r.attr("tls.established")));
      assertClient(
          spans,
          ports,
          "slow-handshake",
          r -> {
            List<OtlpReceiver.Received> phases =
                spans.stream()
                    .filter(s -> s.span.getTraceId().equals(r.span.getTraceId()) && !s.isRoot())
                    .sorted(
                        Comparator.comparingLong(
                            s -> s.span.getStartTimeUnixNano() - s.span.getEndTimeUnixNano()))
                    .collect(Collectors.toList());
            // The longest phase that is not a container of others is the trust manager's wait.
            OtlpReceiver.Received validate =
                phases.stream()
                    .filter(s -> s.span.getName().equals("validate certificate chain"))
                    .findFirst()
                    .orElseThrow();
            long ms =
                (validate.span.getEndTimeUnixNano() - validate.span.getStartTimeUnixNano())
                    / 1_000_000;
            long others =
                phases.stream()
                    .filter(
                        s ->
                            !s.span.getName().equals("validate certificate chain")
                                && !s.span.getName().equals("receive certificate"))
                    .mapToLong(
                        s ->
                            (s.span.getEndTimeUnixNano() - s.span.getStartTimeUnixNano())
                                / 1_000_000)
                    .max()
                    .orElse(0);
            return ms >= SLOW_MS && ms > others && "slow".equals(r.attr("handshake.kept_because"));
          });
      assertTrue(all.contains("TLS client handshake localhost:" + ports.get("untrusted-ca")), all);
      assertTrue(all.contains("  why: Untrusted chain:"), all);
    }
  }

  interface Check {
    boolean test(OtlpReceiver.Received root);
  }

  static void assertClient(
      List<OtlpReceiver.Received> spans, Map<String, String> ports, String scenario, Check check) {
    assertRoot(spans, "client", "server.port", ports.get(scenario), scenario, check);
  }

  static void assertServer(
      List<OtlpReceiver.Received> spans, Map<String, String> ports, String scenario, Check check) {
    assertRoot(spans, "server", "server.port", ports.get(scenario), scenario, check);
  }

  static void assertRoot(
      List<OtlpReceiver.Received> spans,
      String role,
      String portKey,
      String port,
      String scenario,
      Check check) {
    List<OtlpReceiver.Received> roots =
        spans.stream()
            .filter(
                s ->
                    s.isRoot()
                        && role.equals(s.attr("handshake.role"))
                        && port.equals(s.attr(portKey)))
            .collect(Collectors.toList());
    assertTrue(!roots.isEmpty(), scenario + ": no " + role + " root on port " + port);
    assertTrue(roots.stream().anyMatch(check::test), scenario + ": " + roots);
  }
}
