package dev.handshakeagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent in a child JVM of each JDK, with the console waterfall on and OTLP export to a
 * receiver on loopback: the child runs handshakes whose secrets it knows ({@link SecretsMain}) and
 * prints them on stdout; nothing the agent wrote on stderr, and nothing it exported (every span and
 * metric as received, decoded and as raw protobuf bytes), contains any of them.
 */
class PackagedAgentNoSecretsTest {

  static Stream<String> jdks() {
    return ChildJvm.jdks();
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void noKeyMaterialOnStderrOrOverOtlp(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output out =
          ChildJvm.run(
              javaHome,
              List.of(
                  ChildJvm.javaagent("console=true"),
                  "--add-opens",
                  "java.base/sun.security.ssl=ALL-UNNAMED",
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dotel.metric.export.interval=500"),
              Map.of(),
              SecretsMain.class);
      assertEquals(0, out.exitCode, out.toString());
      assertTrue(out.stdout.contains("DONE"), out.toString());
      List<SecretCapture.Secret> secrets = new ArrayList<>();
      for (String line : out.stdout) {
        if (line.startsWith("SECRET ")) {
          String[] parts = line.split(" ", 3);
          secrets.add(new SecretCapture.Secret(parts[2], HexFormat.of().parseHex(parts[1])));
        }
      }
      List<OtlpReceiver.Received> spans = receiver.spans();
      StringBuilder text = new StringBuilder(out.stderr);
      for (OtlpReceiver.Received r : spans) {
        text.append(r.span).append('\n');
        text.append(new String(r.span.toByteArray(), StandardCharsets.ISO_8859_1)).append('\n');
      }
      for (Metric m : receiver.metrics()) {
        text.append(m).append('\n');
        text.append(new String(m.toByteArray(), StandardCharsets.ISO_8859_1)).append('\n');
      }
      long roots = spans.stream().filter(OtlpReceiver.Received::isRoot).count();
      assertTrue(roots >= 10, "handshakes exported: " + roots);
      assertTrue(out.stderr.contains("TLS server handshake"), "console: " + out.stderr);
      assertTrue(secrets.size() >= 80, "secrets the child knew: " + secrets.size());
      List<String> found = SecretScan.find(secrets, text.toString());
      assertEquals(List.of(), found, "key material in the agent's output");
      Reliability.reportChild(
          javaHome,
          "packaged no secrets: "
              + secrets.size()
              + " secrets searched in "
              + spans.size()
              + " spans over OTLP, "
              + receiver.metrics().size()
              + " metrics and "
              + out.stderrLines().size()
              + " stderr lines: found "
              + found.size());
    }
  }
}
