package dev.handshakeagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No key material in anything the agent emits: handshakes run with known private keys and known
 * session secrets (see {@link SecretCapture}, plus an {@code openssl s_client -keylogfile} capture
 * of the TLS secrets of connections to the traced JDK server), then every span name, attribute,
 * event, status and metric exported, and every line the agent printed on stderr (console waterfall
 * on), are searched for those bytes in hex, base64 and raw form.
 */
class NoSecretsTest {
  private static final ByteArrayOutputStream STDERR = new ByteArrayOutputStream();
  private static AgentRuntime agent;

  @BeforeAll
  static void install() {
    PrintStream original = System.err;
    // The console view writes to System.err as it was when the agent started: capture it.
    System.setErr(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                original.write(b);
                synchronized (STDERR) {
                  STDERR.write(b);
                }
              }

              @Override
              public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (STDERR) {
                  STDERR.write(b, off, len);
                }
              }
            },
            true));
    agent = Reliability.agent("console=true,abandon.timeout=10s");
    // The test reads the JDK's session objects for their secrets.
    Module base = Object.class.getModule();
    ByteBuddyAgent.install()
        .redefineModule(
            base,
            Set.of(),
            Map.of(),
            Map.of("sun.security.ssl", Set.of(NoSecretsTest.class.getModule())),
            Set.of(),
            Map.of());
  }

  @Test
  void scannerFindsEveryFormOfASecret() {
    byte[] secret = new byte[48];
    new Random(7).nextBytes(secret);
    List<SecretCapture.Secret> one = List.of(new SecretCapture.Secret("planted", secret));
    for (String form : SecretScan.forms(secret).values()) {
      assertTrue(!SecretScan.find(one, "x=" + form + ";").isEmpty(), form);
    }
    String upper = HexFormat.of().withUpperCase().formatHex(secret);
    assertTrue(!SecretScan.find(one, "a " + upper + " b").isEmpty(), "upper-case hex");
    String piece = HexFormat.of().formatHex(secret, 5, 30);
    assertTrue(!SecretScan.find(one, piece).isEmpty(), "a 25-byte piece in hex");
    String rawPiece = new String(secret, 9, 24, StandardCharsets.ISO_8859_1);
    assertTrue(!SecretScan.find(one, rawPiece).isEmpty(), "a 24-byte piece, raw");
    String b64Piece = Base64.getEncoder().encodeToString(secret).substring(8, 40);
    assertTrue(!SecretScan.find(one, b64Piece).isEmpty(), "a base64 piece");
    assertTrue(
        SecretScan.find(one, "nothing to see " + HexFormat.of().formatHex(secret, 0, 12))
            .isEmpty());
  }

  @Test
  void nothingTheAgentEmitsContainsKeyMaterial() throws Exception {
    InProcessAgent.reset();
    SecretCapture capture = new SecretCapture();
    long start = System.nanoTime();
    capture.runAll();
    int keyLogLines = openSslKeyLog(capture, "-tls1_3") + openSslKeyLog(capture, "-tls1_2");

    List<SpanData> spans = InProcessAgent.spans();
    Collection<MetricData> metrics = InProcessAgent.metrics();
    String stderr = consoleOutput(Reliability.roots(spans, "client").size());
    StringBuilder text = new StringBuilder();
    for (SpanData s : spans) {
      text.append(s).append('\n'); // name, attributes, events, status, resource, scope
      append(text, s.getAttributes());
      text.append(s.getStatus().getDescription()).append('\n');
      for (EventData e : s.getEvents()) {
        text.append(e.getName()).append('\n');
        append(text, e.getAttributes());
      }
    }
    for (MetricData m : metrics) {
      text.append(m).append('\n');
    }
    text.append(stderr);

    // The search is not vacuous: the agent emitted these handshakes, the console printed them,
    // and every kind of secret was captured.
    assertTrue(
        Reliability.roots(spans, "server").size() >= 10,
        Reliability.roots(spans, "server").toString());
    assertTrue(stderr.contains("TLS server handshake"), "console output: " + stderr);
    for (String kind :
        List.of(
            "private key PKCS#8",
            "RSA private exponent",
            "EC private scalar",
            "session id",
            "session id on the wire",
            "TLS 1.2 master secret",
            "TLS 1.3 resumption master secret",
            "TLS 1.3 PSK identity",
            "TLS 1.3 PSK binder",
            "session ticket",
            "TLS key log")) {
      assertTrue(capture.count(kind) > 0, "no " + kind + " captured: " + capture.kinds);
    }
    if (Reliability.JDK >= 25) {
      assertTrue(capture.count("exported keying material") > 0, capture.kinds.toString());
    }

    List<String> found = SecretScan.find(capture.secrets, text.toString());
    assertEquals(List.of(), found, "key material in the agent's output");
    Reliability.assertQuiet(agent, 5_000);
    Reliability.report(
        "no secrets: "
            + capture.secrets.size()
            + " secrets "
            + capture.kinds
            + " ("
            + keyLogLines
            + " openssl key-log lines) searched in "
            + spans.size()
            + " spans, "
            + metrics.size()
            + " metrics and "
            + stderr.split("\n").length
            + " stderr lines ("
            + text.length()
            + " chars) in "
            + (System.nanoTime() - start) / 1_000_000
            + " ms: found "
            + found.size());
  }

  private static void append(StringBuilder text, Attributes attributes) {
    attributes.forEach((k, v) -> text.append(k.getKey()).append('=').append(v).append('\n'));
  }

  /** What the agent printed on stderr, once the console shows the expected handshakes. */
  private static String consoleOutput(int clientRoots) throws InterruptedException {
    String out = "";
    for (int i = 0; i < 100; i++) {
      synchronized (STDERR) {
        out = STDERR.toString(StandardCharsets.ISO_8859_1);
      }
      int shown = out.split("TLS client handshake", -1).length - 1;
      if (shown >= clientRoots) {
        break;
      }
      Thread.sleep(100);
    }
    return out;
  }

  /**
   * {@code openssl s_client -keylogfile} against the traced JDK server: the SSLKEYLOGFILE lines
   * hold the connection's TLS secrets (TLS 1.3 handshake/traffic/exporter secrets, the TLS 1.2
   * master secret), which are the JDK side's secrets too. Also the session saved with {@code
   * -sess_out} (master key, resumption PSK, ticket). Returns the number of key-log lines.
   */
  private static int openSslKeyLog(SecretCapture capture, String version) throws Exception {
    assertTrue(ExternalPeer.available("openssl"), "openssl is needed (.ci/run installs it)");
    Path keyLog = Files.createTempFile("keylog", ".txt");
    Path session = Files.createTempFile("session", ".pem");
    int lines = 0;
    try (TlsTestServer server =
        new TlsTestServer(
            TestPki.serverContext(TestPki.Server.RSA), null, false, 1, 10_000, true)) {
      for (int i = 0; i < 2; i++) {
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    "openssl",
                    "s_client",
                    "-connect",
                    "127.0.0.1:" + server.port(),
                    "-servername",
                    "localhost",
                    "-CAfile",
                    TestPki.dir().resolve("ca.cer").toString(),
                    "-ign_eof",
                    "-keylogfile",
                    keyLog.toString(),
                    version));
        cmd.addAll(List.of(i == 0 ? "-sess_out" : "-sess_in", session.toString()));
        ExternalPeer.Report r = ExternalPeer.run(cmd, RealPeersTest.REQUEST);
        assertTrue(r.output.contains("200 OK"), r.output);
        assertTrue(server.awaitIdle(i + 1, 15_000));
      }
      Pattern line = Pattern.compile("(?m)^([A-Z_0-9]+) ([0-9a-fA-F]+) ([0-9a-fA-F]+)$");
      Matcher m = line.matcher(Files.readString(keyLog, StandardCharsets.US_ASCII));
      while (m.find()) {
        capture.add("TLS key log", version + " " + m.group(1), HexFormat.of().parseHex(m.group(3)));
        lines++;
      }
      ExternalPeer.Report text =
          ExternalPeer.run(
              List.of("openssl", "sess_id", "-in", session.toString(), "-noout", "-text"), null);
      Matcher key =
          Pattern.compile("(?m)^\\s*(Master-Key|Resumption PSK): ([0-9A-Fa-f]+)\\s*$")
              .matcher(text.output);
      while (key.find()) {
        capture.add(
            "openssl session " + key.group(1), version, HexFormat.of().parseHex(key.group(2)));
      }
      capture.add("session ticket", version + " openssl -sess_out", ticketOf(text.output));
    } finally {
      Files.deleteIfExists(keyLog);
      Files.deleteIfExists(session);
    }
    return lines;
  }

  /** The bytes of the hex dump under "TLS session ticket:" in {@code openssl sess_id -text}. */
  static byte[] ticketOf(String sessionText) {
    int at = sessionText.indexOf("TLS session ticket:");
    if (at < 0) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Pattern dumpLine = Pattern.compile("^\\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){1,16})");
    for (String l : sessionText.substring(at).split("\n")) {
      Matcher m = dumpLine.matcher(l);
      if (m.find()) {
        for (String h : m.group(1).trim().split("[ -]+")) {
          out.write(Integer.parseInt(h, 16));
        }
      } else if (out.size() > 0) {
        break;
      }
    }
    return out.toByteArray();
  }
}
