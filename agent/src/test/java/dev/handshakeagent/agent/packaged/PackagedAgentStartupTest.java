package dev.handshakeagent.agent.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lazy install of the packaged agent, read from the child JVM's class loading log ({@code
 * -verbose:class}, on stdout): with {@code -javaagent} a JVM that makes no TLS connection loads
 * none of the agent's Byte Buddy, OpenTelemetry or JDK-model classes, and one whose first TLS class
 * installs the agent still has its very first handshake traced in full.
 */
class PackagedAgentStartupTest {

  /** Packages of the jar that only an installed agent loads. */
  static final List<String> INSTALL_ONLY =
      List.of(
          "dev.handshakeagent.shaded.",
          "dev.handshakeagent.agent.jdk.",
          "dev.handshakeagent.agent.telemetry.",
          "dev.handshakeagent.agent.tracking.",
          "dev.handshakeagent.agent.advice.",
          "dev.handshakeagent.agent.AgentRuntime",
          "dev.handshakeagent.bridge.");

  @ParameterizedTest
  @MethodSource("dev.handshakeagent.agent.testing.ChildJvm#jdks")
  void withoutTlsNothingButTheGateLoads(String javaHome) throws Exception {
    ChildJvm.Output out =
        ChildJvm.run(
            javaHome,
            List.of(ChildJvm.javaagent(null), "-verbose:class"),
            Map.of(),
            NoTlsMain.class);
    assertEquals(0, out.exitCode, out.stderr);
    assertTrue(out.stdout.contains("DONE"), out.stderr);
    PackagedAgentTest.assertNoAgentComplaint(out.stderr);
    List<String> loaded = loadedClasses(out.stdout);
    // The agent is on: its premain ran, registered the gate and says it is attached.
    assertTrue(loaded.contains("dev.handshakeagent.agent.InstallGate"), String.join("\n", loaded));
    assertTrue(
        out.stdout.stream().anyMatch(l -> l.startsWith("STATUS attached ")), out.stdout.toString());
    assertTrue(loaded.stream().noneMatch(c -> c.startsWith("sun.security.ssl.")), "no TLS used");
    List<String> installOnly =
        loaded.stream()
            .filter(c -> INSTALL_ONLY.stream().anyMatch(c::startsWith))
            .collect(Collectors.toList());
    assertEquals(List.of(), installOnly, "classes of an installed agent, without any TLS");
  }

  @ParameterizedTest
  @MethodSource("dev.handshakeagent.agent.testing.ChildJvm#jdks")
  void theFirstTlsClassInstallsAndTheFirstHandshakeIsTraced(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(
                  ChildJvm.javaagent(null),
                  "-verbose:class",
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.bsp.schedule.delay=100"),
              "TLS13_SOCKET_RSA",
              "TLS12_ENGINE");
      assertEquals(0, out.exitCode, out.stderr);
      PackagedAgentTest.assertNoAgentComplaint(out.stderr);
      // The install runs inside the first SunJSSE class's load, whose log line only comes once it
      // is defined: what shows the install waited is that the application had turned to TLS.
      List<String> loaded = loadedClasses(out.stdout);
      int firstTlsApi = indexOf(loaded, "javax.net.ssl.");
      int firstByteBuddy = indexOf(loaded, "dev.handshakeagent.shaded.bytebuddy.");
      assertTrue(firstTlsApi >= 0 && firstByteBuddy >= 0, "TLS used and the agent installed");
      assertTrue(
          firstTlsApi < firstByteBuddy,
          "Byte Buddy loaded before the application used TLS: "
              + loaded.subList(Math.max(0, firstByteBuddy - 5), firstByteBuddy + 1));
      // The JVM's first handshake, both sides, with its phases from the client's first message on.
      String port =
          out.stdout.stream()
              .filter(l -> l.startsWith("RESULT TLS13_SOCKET_RSA 0 "))
              .findFirst()
              .orElseThrow()
              .replaceFirst(".* port=(\\d+) .*", "$1");
      List<OtlpReceiver.Received> spans = receiver.spans();
      List<OtlpReceiver.Received> roots =
          spans.stream()
              .filter(r -> r.isRoot() && port.equals(r.attr("server.port")))
              .collect(Collectors.toList());
      assertEquals(2, roots.size(), "both sides of the first handshake: " + spans);
      for (OtlpReceiver.Received r : roots) {
        assertEquals("true", r.attr("tls.established"), r.toString());
      }
      List<String> phases =
          spans.stream()
              .filter(
                  s ->
                      roots.stream()
                          .anyMatch(r -> r.span.getSpanId().equals(s.span.getParentSpanId())))
              .map(s -> s.span.getName())
              .collect(Collectors.toList());
      assertTrue(phases.contains("send client_hello"), phases.toString());
      assertTrue(phases.contains("receive client_hello"), phases.toString());
    }
  }

  /** Class names in loading order, from {@code -verbose:class} lines. */
  static List<String> loadedClasses(List<String> stdout) {
    return stdout.stream()
        .filter(l -> l.contains("[class,load] "))
        .map(l -> l.substring(l.indexOf("[class,load] ") + 13).split(" ", 2)[0])
        .collect(Collectors.toList());
  }

  private static int indexOf(List<String> classes, String prefix) {
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
