package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsConfig;
import dev.handshakeagent.agent.testing.TlsRun;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Handshakes that never finish end once, as {@code error.type=abandoned}; none stays open. */
class AbandonedHandshakeTest {

  @Test
  void stalledPeerEndsAfterTheAbandonTimeoutExactlyOnce() throws Exception {
    AgentRuntime agent = ScenarioSpans.agent(); // abandon.timeout=1500ms
    InProcessAgent.reset();
    byte[] hello = TlsRun.clientHelloBytes(TlsConfig.client(false));
    // Sends half a client_hello, then stalls for 4 s (the server's read blocks), then closes.
    byte[] half = Arrays.copyOf(hello, hello.length / 2);
    TlsRun.Result r = TlsRun.rawClient(TlsConfig.server(TestPki.Server.RSA), half, 4000);
    assertTrue(r.server.startsWith("FAIL"), r.toString());
    List<SpanData> spans = InProcessAgent.spans();
    List<SpanData> servers = Traces.roots(spans, "server");
    assertEquals(1, servers.size(), "ended once, although the JDK failed it again later");
    SpanData server = servers.get(0);
    assertEquals(StatusCode.ERROR, server.getStatus().getStatusCode());
    assertEquals("abandoned", str(server, "error.type"));
    assertEquals("no handshake progress for 1500 ms", str(server, "handshake.abandon_reason"));
    long millis = (server.getEndEpochNanos() - server.getStartEpochNanos()) / 1_000_000;
    assertTrue(
        millis >= 1500 && millis < 3900, "ended by the sweeper, not by the close: " + millis);
    assertEquals(0, agent.suppressedErrors());
  }

  @Test
  void engineClosedMidHandshakeAndPeerEngineDropped() throws Exception {
    ScenarioSpans.agent();
    InProcessAgent.reset();
    SSLEngine client = TestPki.clientContext(false).createSSLEngine("localhost", 41_999);
    client.setUseClientMode(true);
    SSLEngine server =
        TestPki.serverContext(TestPki.Server.RSA).createSSLEngine("127.0.0.1", 41_999);
    server.setUseClientMode(false);
    ByteBuffer net = ByteBuffer.allocate(1 << 16);
    client.wrap(ByteBuffer.allocate(0), net);
    net.flip();
    server.unwrap(net, ByteBuffer.allocate(1 << 16));
    Runnable task;
    while ((task = server.getDelegatedTask()) != null) {
      Scenario.delegatedTasks().submit(task).get();
    }
    client.closeOutbound(); // the application gives up
    server = null; // and drops the other engine without closing it
    for (int i = 0; i < 20 && Traces.roots(InProcessAgent.spans()).size() < 2; i++) {
      System.gc();
      Thread.sleep(250);
    }
    List<SpanData> spans = InProcessAgent.spans();
    SpanData c = Traces.root(spans, "client");
    assertEquals("abandoned", str(c, "error.type"));
    assertEquals(
        "closed by the application during the handshake", str(c, "handshake.abandon_reason"));
    SpanData s = Traces.root(spans, "server");
    assertEquals("abandoned", str(s, "error.type"));
    assertTrue(
        List.of(
                "connection discarded before the handshake finished",
                "no handshake progress for 1500 ms")
            .contains(str(s, "handshake.abandon_reason")),
        str(s, "handshake.abandon_reason"));
    assertTrue(Traces.phases(spans, s).contains("send server_hello"));
  }

  @AfterAll
  static void noHandshakeLeftOpen() throws Exception {
    AgentRuntime agent = ScenarioSpans.agent();
    for (int i = 0; i < 40 && agent.tracker.activeHandshakes() > 0; i++) {
      Thread.sleep(100);
    }
    assertEquals(0, agent.tracker.activeHandshakes());
  }
}
