package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.JdkModel;
import dev.handshakeagent.agent.jdk.JdkRow;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent installed against a JDK model with four rows that no longer hold, as a future JDK might
 * change them: a renamed field ({@code closeReason}, read by the failure advice and the close
 * hook), a missing method (the TLS 1.3 server-chain check), a changed field type (the named group's
 * name) and a reworded exception text. Exactly their features go off, with one warning line; the
 * application's handshakes are unaffected and the rest is still traced.
 */
class ChangedJdkTest {

  static final JdkRow RENAMED_FIELD = SunJsse.TC_CLOSE_REASON.renamed("closeCause");
  static final JdkRow MISSING_METHOD = SunJsse.T13_SERVER_CERTS.renamed("checkServerCertificates");
  static final JdkRow CHANGED_DESCRIPTOR =
      SunJsse.NAMED_GROUP_NAME.withDescriptor("Ljava/lang/CharSequence;");
  static final JdkRow MISSING_STRING =
      SunJsse.NO_CIPHER_SUITES_IN_COMMON.renamed("no cipher suite in common");

  private static AgentRuntime agent;
  private static String log;

  @BeforeAll
  static void installWithAChangedJdk() throws Exception {
    JdkModel changed =
        JdkModel.standard()
            .replacing(SunJsse.TC_CLOSE_REASON, RENAMED_FIELD)
            .replacing(SunJsse.T13_SERVER_CERTS, MISSING_METHOD)
            .replacing(SunJsse.NAMED_GROUP_NAME, CHANGED_DESCRIPTOR)
            .replacing(SunJsse.NO_CIPHER_SUITES_IN_COMMON, MISSING_STRING);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try {
      agent = InProcessAgent.install("abandon.timeout=1500ms", changed);
      // Instrumenting happens at install (retransformation) and when a JSSE class first loads.
      ScenarioSpans.run(Scenario.TLS12_ENGINE);
    } finally {
      System.setErr(original);
    }
    log = captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void oneWarningLineNamesEveryRowThatDoesNotHold() {
    List<String> warnings =
        log.lines().filter(l -> l.contains("WARN")).collect(Collectors.toList());
    assertEquals(1, warnings.size(), log);
    String line = warnings.get(0);
    assertTrue(
        line.contains(
            "does not match the JDK model; switched off: [FAILURE, TRUST, CLOSE, NAMED_GROUP,"
                + " DIAGNOSIS]; missing: "),
        line);
    for (JdkRow row : List.of(RENAMED_FIELD, MISSING_METHOD, CHANGED_DESCRIPTOR, MISSING_STRING)) {
      assertTrue(line.contains(row.toString()), row + " in " + line);
    }
  }

  @Test
  void exactlyTheDependentFeaturesAreOff() {
    Set<Feature> expected = EnumSet.allOf(Feature.class);
    expected.removeAll(
        EnumSet.of(
            Feature.FAILURE, Feature.CLOSE, Feature.TRUST, Feature.NAMED_GROUP, Feature.DIAGNOSIS));
    assertEquals(expected, agent.features);
  }

  @Test
  void socketHandshakeSucceedsAndIsTracedWithoutTheFeaturesOff() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS13_SOCKET_RSA);
    assertTrue(o.result().client.startsWith("OK TLSv1.3"), o.result().toString());
    assertTrue(o.result().server.startsWith("OK TLSv1.3"), o.result().toString());
    assertEquals(2, Traces.roots(o.spans).size(), Traces.names(o.spans));
    assertEquals(withoutTrust(HandshakeSuccessTest.TLS13_CLIENT), o.phases(o.client()));
    assertEquals(HandshakeSuccessTest.TLS13_SERVER, o.phases(o.server()));
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals("1.3", str(root, "tls.protocol.version"));
      assertEquals(o.result().client.split(" ")[2], str(root, "tls.cipher"));
      assertEquals("localhost", str(root, "server.address"));
      assertNotNull(str(root, "tls.server.subject"));
      assertNull(str(root, "tls.curve"), "NAMED_GROUP is off");
    }
  }

  @Test
  void engineHandshakeSucceedsAndIsTraced() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS12_ENGINE);
    assertTrue(o.result().client.startsWith("OK TLSv1.2"), o.result().toString());
    assertEquals(withoutTrust(HandshakeSuccessTest.TLS12_CLIENT), o.phases(o.client()));
    assertEquals(HandshakeSuccessTest.TLS12_SERVER, o.phases(o.server()));
    assertEquals("SSLEngine", str(o.client(), "handshake.api"));
  }

  @Test
  void failingHandshakeFailsForTheApplicationAsWithoutTheAgent() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.UNTRUSTED_SOCKET);
    String client = o.result().client;
    assertTrue(client.startsWith("FAIL javax.net.ssl.SSLHandshakeException"), client);
    assertTrue(client.contains("PKIX path building failed"), client);
    // FAILURE (and CLOSE) are off: nothing reports the alert, and both sides end as abandoned
    // once the abandon timeout (1.5 s) passes, before the next test starts.
    List<SpanData> roots = Traces.roots(o.spans);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (roots.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      roots = Traces.roots(InProcessAgent.spans());
    }
    assertEquals(2, roots.size(), Traces.names(InProcessAgent.spans()));
    for (SpanData root : roots) {
      assertEquals("abandoned", str(root, "error.type"), root.getName());
    }
    assertEquals(0, agent.tracker.activeHandshakes());
  }

  private static List<String> withoutTrust(List<String> phases) {
    List<String> out = new ArrayList<>(phases);
    assertTrue(out.remove("validate certificate chain"));
    assertFalse(out.contains("validate certificate chain"));
    return out;
  }

  /** Writes to the real stderr and to the capture. */
  static final class Tee extends OutputStream {
    private final OutputStream a;
    private final ByteArrayOutputStream b;

    Tee(OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) {
      write(new byte[] {(byte) c}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) {
      try {
        a.write(buf, off, len);
      } catch (IOException e) {
        // the real stderr is best effort
      }
      b.write(buf, off, len);
    }
  }
}
