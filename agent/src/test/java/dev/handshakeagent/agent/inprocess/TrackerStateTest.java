package dev.handshakeagent.agent.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.Traces;
import org.junit.jupiter.api.Test;

/** Nothing the agent keeps per handshake outlives the application's connections. */
class TrackerStateTest {

  @Test
  void perHandshakeStateIsEmptyAfterConnectionsAreGone() throws Exception {
    AgentRuntime agent = ScenarioSpans.agent();
    InProcessAgent.reset();
    Scenario[] runs = {
      Scenario.TLS13_SOCKET_RSA, Scenario.TLS12_ENGINE, Scenario.RESUME13_SOCKET,
      Scenario.UNTRUSTED_ENGINE, Scenario.PROTOCOL_MISMATCH, Scenario.KEY_UPDATE13_SOCKET
    };
    for (int i = 0; i < 3; i++) {
      for (Scenario s : runs) {
        s.run();
      }
    }
    // 3 rounds x (2 + 2 + 4 + 2 + 2 + 2) roots, each exported once.
    assertEquals(3 * 14, Traces.roots(InProcessAgent.spans()).size());
    assertEquals(0, agent.tracker.activeHandshakes());
    int tracked = -1;
    for (int i = 0; i < 50 && tracked != 0; i++) {
      System.gc();
      Thread.sleep(100);
      tracked = agent.tracker.trackedObjects();
    }
    assertEquals(0, tracked, "handshake and connection objects still mapped after GC");
    assertEquals(0, agent.suppressedErrors());
  }
}
