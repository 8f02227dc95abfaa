package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.RevocationPki;
import dev.handshakeagent.agent.testing.RevocationPki.Leaf;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.security.Security;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OCSP stapling (status_request) by a JDK server, which fetches the response from the certificate's
 * responder and staples it, and by {@code openssl s_server -status_file}; the revocation-checking
 * client uses the stapled response without a fetch of its own. The JDK server's switch is read once
 * per JVM, hence a class of its own.
 */
class RevocationStaplingTest {
  static {
    System.setProperty("jdk.tls.server.enableStatusRequestExtension", "true");
    System.setProperty("jdk.tls.client.enableStatusRequestExtension", "true");
    Security.setProperty("ocsp.enable", "true");
  }

  static final AttributeKey<Boolean> STAPLED = AttributeKey.booleanKey("handshake.ocsp.stapled");

  static RevocationPki pki;
  static AgentRuntime agent;

  @BeforeAll
  static void start() throws Exception {
    pki = RevocationPki.start(Files.createTempDirectory("revocation-stapling-test"));
    agent = InProcessAgent.install("abandon.timeout=5s");
  }

  @AfterAll
  static void stop() throws Exception {
    pki.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void stapledResponseIsNotedOnTheRootAndNeedsNoFetch(String protocol) throws Exception {
    InProcessAgent.reset();
    int before = pki.ocspRequests();
    Throwable thrown = pki.handshake(Leaf.GOOD, protocol);
    assertNull(thrown, () -> "client handshake failed: " + thrown);
    List<SpanData> spans = InProcessAgent.spans();
    assertEquals(0, agent.suppressedErrors());
    assertEquals(0, agent.tracker.suppressedErrors());
    SpanData client = Traces.root(spans, "client");
    assertEquals(true, client.getAttributes().get(STAPLED), protocol);
    List<String> phases = Traces.phases(spans, client);
    // The client still checks revocation, against the stapled response: no fetch of its own.
    assertTrue(phases.contains("check revocation"), phases.toString());
    assertEquals(
        "validate certificate chain", Traces.parentName(spans, client, "check revocation"));
    assertTrue(!phases.contains("fetch OCSP response"), phases.toString());
    if (protocol.equals("TLSv1.2")) {
      assertTrue(phases.contains("receive certificate_status"), phases.toString());
    }
    // The one request the responder saw was the server's (its fetch runs on the JDK's own
    // stapling threads, outside any handshake: no span).
    assertEquals(before + 1, pki.ocspRequests());
    SpanData server = Traces.root(spans, "server");
    assertNull(server.getAttributes().get(STAPLED), "noted on the client's root only");
    assertTrue(!Traces.phases(spans, server).contains("fetch OCSP response"));
    assertEquals("CN=good.test,O=handshake-agent", str(client, "tls.server.subject"));
  }

  @Test
  void responseStapledByOpensslIsNotedOnTheRoot() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    Process server = pki.opensslStaplingServer(Leaf.GOOD, port);
    try {
      InProcessAgent.reset();
      int before = pki.ocspRequests();
      Throwable thrown = pki.clientHandshake(port, "TLSv1.3");
      assertNull(thrown, () -> "client handshake failed: " + thrown);
      List<SpanData> spans = InProcessAgent.spans();
      assertEquals(0, agent.suppressedErrors());
      SpanData client = Traces.root(spans, "client");
      assertEquals(true, client.getAttributes().get(STAPLED));
      List<String> phases = Traces.phases(spans, client);
      assertTrue(phases.contains("check revocation"), phases.toString());
      assertTrue(!phases.contains("fetch OCSP response"), phases.toString());
      assertEquals(before, pki.ocspRequests(), "the client asked no responder");
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
