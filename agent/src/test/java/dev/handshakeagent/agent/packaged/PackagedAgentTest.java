package dev.handshakeagent.agent.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged {@code agent/target/handshake-agent.jar} as a user runs it: {@code -javaagent} on a
 * child JVM of JDK 17 and of JDK 25, exporting over real OTLP/HTTP to a receiver on loopback. Every
 * scenario's handshakes arrive once per side, and the application's results are identical to a run
 * without the agent.
 */
class PackagedAgentTest {

  static final Path AGENT = ChildJvm.AGENT;

  /** Sides whose outcome depends on timing (a TCP reset racing an alert), with or without agent. */
  static final Set<String> TIMING_DEPENDENT =
      Set.of(
          "UNTRUSTED_SOCKET server",
          "EXPIRED_SOCKET server",
          "HOSTNAME_MISMATCH_SOCKET server",
          "CLIENT_HELLO_THEN_CLOSE server",
          "CLIENT_CERT_MISSING13 client",
          "CLIENT_CERT_MISSING12 client");

  /** A fact the diagnosis of one side must name, per failing scenario ("side:fact"). */
  static final Map<String, String> DIAGNOSIS_FACTS =
      Map.of(
          "PROTOCOL_MISMATCH",
              "server:The client offered TLSv1.2 only; this server accepts TLSv1.3 only",
          "NO_SHARED_CIPHER", "server:No cipher suite in common",
          "UNTRUSTED_SOCKET", "client:not in the trust store",
          "UNTRUSTED_ENGINE", "server:we presented CN=untrusted.example",
          "EXPIRED_SOCKET", "client:expired on",
          "HOSTNAME_MISMATCH_SOCKET", "client:Host name mismatch",
          "CLIENT_CERT_MISSING13", "server:The client sent no certificate",
          "CLIENT_CERT_MISSING12", "server:The client sent no certificate");

  static Stream<Arguments> jdks() {
    return Stream.of(
        Arguments.of("17", System.getProperty("jdk17.home", "/usr/lib/jvm/java-17-openjdk-amd64")),
        Arguments.of("25", System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64")));
  }

  @ParameterizedTest(name = "JDK {0}")
  @MethodSource("jdks")
  void everyScenarioExportedOnceOverOtlpWithUnchangedResults(String version, String javaHome)
      throws Exception {
    assertTrue(Files.isRegularFile(AGENT), "build the agent first: " + AGENT);
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output traced =
          ChildJvm.run(
              javaHome,
              List.of(
                  "-javaagent:" + AGENT.toAbsolutePath(),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.bsp.schedule.delay=200"));
      ChildJvm.Output plain = ChildJvm.run(javaHome, List.of());

      assertEquals(0, traced.exitCode, traced.stderr);
      assertTrue(traced.stdout.contains("JAVA " + version), "wrong JDK at " + javaHome);
      assertTrue(traced.stdout.contains("DONE"), traced.stdout.toString());
      assertNoAgentComplaint(traced.stderr);
      assertSameResults(plain.results(), traced.results());

      // Spans are flushed at JVM exit: everything is here once the child has exited.
      List<OtlpReceiver.Received> spans = receiver.spans();
      List<OtlpReceiver.Received> roots =
          spans.stream().filter(OtlpReceiver.Received::isRoot).collect(Collectors.toList());
      assertEquals("ScenarioMain", spans.get(0).resourceAttr("service.name"));

      int expectedRoots = 0;
      for (String line : traced.stdout) {
        if (!line.startsWith("RESULT ")) {
          continue;
        }
        String[] parts = line.split(" ", 5);
        String scenario = parts[1];
        String port = parts[3].substring("port=".length());
        boolean engine = scenario.endsWith("_ENGINE");
        List<OtlpReceiver.Received> clients = clientRoots(roots, port);
        List<OtlpReceiver.Received> servers = serverRoots(roots, port, engine);
        switch (scenario) {
          case "PEER_CLOSES_MID_HANDSHAKE":
            assertEquals(1, clients.size(), line);
            assertEquals(0, servers.size(), line);
            assertTrue(
                clients.get(0).attr("handshake.diagnosis").contains("closed the connection"));
            expectedRoots += 1;
            break;
          case "PLAINTEXT_TO_SERVER":
          case "CLIENT_HELLO_THEN_CLOSE":
            assertEquals(1, servers.size(), line);
            assertEquals("false", servers.get(0).attr("tls.established"));
            if (scenario.equals("PLAINTEXT_TO_SERVER")) {
              assertTrue(servers.get(0).attr("handshake.diagnosis").contains("not a TLS record"));
            }
            // CLIENT_HELLO_THEN_CLOSE also abandons the engine that made the hello bytes.
            expectedRoots += scenario.equals("PLAINTEXT_TO_SERVER") ? 1 : 2;
            break;
          case "HTTPS_HTTP_CLIENT":
          case "HTTPS_URL_CONNECTION":
            assertEquals(1, clients.size(), line);
            assertEquals("true", clients.get(0).attr("tls.established"), line);
            expectedRoots += 2; // the HttpsServer side has no port to match: counted in total
            break;
          default:
            boolean resumed = scenario.startsWith("RESUME");
            int perSide = resumed ? 2 : 1;
            assertEquals(perSide, clients.size(), line + " " + clients);
            assertEquals(perSide, servers.size(), line + " " + servers);
            if (line.contains("client=OK")) {
              for (OtlpReceiver.Received r : clients) {
                assertEquals("true", r.attr("tls.established"), line);
                assertNotNull(r.attr("tls.cipher"), line);
              }
              assertTrue(phaseCount(spans, clients.get(0)) >= 5, line);
              // The client's own client_hello, copied through the shaded jar's hook, is the one
              // its server read (a resumption's differs: compared as sets).
              String ja4 = clients.get(0).attr("handshake.client.ja4");
              assertTrue(
                  String.valueOf(ja4).matches("t1[23][di]\\d{4}\\w\\w_\\w{12}_\\w{12}"), line);
              for (String key : List.of("handshake.client.ja4", "tls.client.ja3")) {
                assertEquals(
                    clients.stream().map(r -> r.attr(key)).collect(Collectors.toSet()),
                    servers.stream().map(r -> r.attr(key)).collect(Collectors.toSet()),
                    line);
              }
            } else {
              for (OtlpReceiver.Received r : servers) {
                assertEquals("false", r.attr("tls.established"), line);
                assertNotNull(r.attr("error.type"), line);
              }
            }
            String fact = DIAGNOSIS_FACTS.get(scenario);
            if (fact != null) {
              String[] side = fact.split(":", 2);
              List<OtlpReceiver.Received> roots2 = side[0].equals("client") ? clients : servers;
              assertTrue(
                  roots2.stream()
                      .anyMatch(
                          r -> String.valueOf(r.attr("handshake.diagnosis")).contains(side[1])),
                  line + " " + roots2);
            }
            if (resumed && parts[2].equals("1")) {
              assertTrue(
                  clients.stream().anyMatch(r -> "true".equals(r.attr("tls.resumed"))), line);
            }
            if (!resumed || parts[2].equals("1")) {
              expectedRoots += 2 * perSide;
            }
        }
      }
      assertEquals(expectedRoots, roots.size(), "each handshake exported exactly once per side");
      assertFalse(
          roots.stream()
              .anyMatch(
                  r ->
                      "abandoned".equals(r.attr("error.type"))
                          && !"443".equals(r.attr("server.port"))),
          "only the deliberately closed helper engine is abandoned");
    }
  }

  static List<OtlpReceiver.Received> clientRoots(List<OtlpReceiver.Received> roots, String port) {
    return roots.stream()
        .filter(
            r -> "client".equals(r.attr("handshake.role")) && port.equals(r.attr("server.port")))
        .collect(Collectors.toList());
  }

  static List<OtlpReceiver.Received> serverRoots(
      List<OtlpReceiver.Received> roots, String port, boolean engine) {
    String key = engine ? "client.port" : "server.port";
    return roots.stream()
        .filter(r -> "server".equals(r.attr("handshake.role")) && port.equals(r.attr(key)))
        .collect(Collectors.toList());
  }

  static long phaseCount(List<OtlpReceiver.Received> spans, OtlpReceiver.Received root) {
    return spans.stream()
        .filter(s -> s.span.getTraceId().equals(root.span.getTraceId()) && !s.isRoot())
        .count();
  }

  static void assertNoAgentComplaint(String stderr) {
    for (String line : stderr.split("\n")) {
      // Not even the JVM's "Sharing is only supported for boot loader classes" note: the bridge
      // is defined in the boot loader, the boot class path is not appended (class data sharing
      // stays on for the application's classes).
      if (line.isBlank()) {
        continue;
      }
      throw new AssertionError("unexpected output on the child's stderr: " + stderr);
    }
  }

  static void assertSameResults(List<String> plain, List<String> traced) {
    assertEquals(plain.size(), traced.size(), plain + "\n" + traced);
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < plain.size(); i++) {
      String a = plain.get(i);
      String b = traced.get(i);
      if (a.equals(b)) {
        continue;
      }
      String scenario = a.split(" ")[1];
      String[] sa = a.substring(a.indexOf("client=")).split(" \\| server=");
      String[] sb = b.substring(b.indexOf("client=")).split(" \\| server=");
      boolean clientOk =
          sa[0].equals(sb[0])
              || (TIMING_DEPENDENT.contains(scenario + " client")
                  && sa[0].startsWith("client=FAIL")
                  && sb[0].startsWith("client=FAIL"));
      boolean serverOk =
          sa[1].equals(sb[1])
              || (TIMING_DEPENDENT.contains(scenario + " server")
                  && sa[1].startsWith("FAIL")
                  && sb[1].startsWith("FAIL"));
      if (!clientOk || !serverOk) {
        diffs.add("without agent: " + a + "\n   with agent: " + b);
      }
    }
    assertTrue(diffs.isEmpty(), String.join("\n", diffs));
  }
}
