package dev.handshakeagent.agent.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.Traces;
import dev.handshakeagent.bridge.ProviderBridge;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real BCJSSE handshakes (the provider object used explicitly: the JVM's provider list is left
 * alone) with the agent installed in this JVM: the same roots and phases SunJSSE handshakes get,
 * {@code handshake.provider} BCJSSE, failures with their alert and origin.
 */
class BcjsseHandshakeTest {

  private static AgentRuntime agent;

  @BeforeAll
  static void install() {
    agent = InProcessAgent.install("");
  }

  @BeforeEach
  void reset() {
    InProcessAgent.reset();
  }

  @Test
  void tls13EnginePairTracedWithSendAndReceivePhases() throws Exception {
    SSLContext server = BcjsseScenarios.context(TestPki.keyStore(TestPki.Server.RSA));
    SSLContext client = BcjsseScenarios.context(null);
    String result = BcjsseScenarios.engines(server, client, "TLSv1.3", false);
    assertTrue(result.startsWith("OK TLSv1.3"), result);
    List<SpanData> spans = InProcessAgent.spans();
    SpanData c = root(spans, "TLS client handshake");
    SpanData s = root(spans, "TLS server handshake");
    for (SpanData root : List.of(c, s)) {
      assertEquals("BCJSSE", str(root, "handshake.provider"));
      assertEquals("SSLEngine", str(root, "handshake.api"));
      assertEquals("1.3", str(root, "tls.protocol.version"));
      assertEquals(result.split(" ")[2], str(root, "tls.cipher"));
      assertEquals(true, root.getAttributes().get(AttributeKey.booleanKey("tls.established")));
      assertEquals("CN=localhost,O=handshake-agent", str(root, "tls.server.subject"));
      assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode());
    }
    List<String> cp = phases(spans, c);
    List<String> sp = phases(spans, s);
    assertEquals(
        List.of(
            "send client_hello",
            "receive server_hello",
            "receive encrypted_extensions",
            "receive certificate",
            "validate certificate chain",
            "receive certificate_verify",
            "receive finished",
            "send finished"),
        cp.subList(0, 8),
        cp.toString());
    assertTrue(sp.contains("receive client_hello"), sp.toString());
    assertTrue(sp.contains("send server_hello"), sp.toString());
    assertTrue(sp.contains("send certificate_verify"), sp.toString());
    assertTrue(sp.contains("receive finished"), sp.toString());
    assertEquals("none", str(s, "handshake.client_auth"));
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  @Test
  void tls12SocketsResumeAndRequireClientCertificates() throws Exception {
    SSLContext server = BcjsseScenarios.context(TestPki.keyStore(TestPki.Server.EC));
    SSLContext client = BcjsseScenarios.context(TestPki.clientKeyStore());
    List<String> results = BcjsseScenarios.sockets(server, client, "TLSv1.2", true, 2);
    assertTrue(results.get(0).startsWith("OK TLSv1.2"), results.toString());
    assertTrue(results.get(1).startsWith("OK TLSv1.2"), results.toString());
    List<SpanData> spans = InProcessAgent.spans();
    List<SpanData> clients = roots(spans, "TLS client handshake");
    List<SpanData> servers = roots(spans, "TLS server handshake");
    assertEquals(2, clients.size(), Traces.names(spans));
    assertEquals(2, servers.size(), Traces.names(spans));
    for (SpanData root : clients) {
      assertEquals("BCJSSE", str(root, "handshake.provider"));
      assertEquals("SSLSocket", str(root, "handshake.api"));
      assertEquals("1.2", str(root, "tls.protocol.version"));
      assertEquals("CN=handshake-client,O=handshake-agent", str(root, "tls.client.subject"));
      assertEquals("127.0.0.1", str(root, "network.peer.address"));
    }
    assertEquals("required", str(servers.get(0), "handshake.client_auth"));
    assertEquals("requested", str(clients.get(0), "handshake.client_auth"));
    assertEquals(false, bool(clients.get(0), "tls.resumed"));
    assertEquals(true, bool(clients.get(1), "tls.resumed"));
    assertEquals(false, bool(servers.get(0), "tls.resumed"));
    assertEquals(true, bool(servers.get(1), "tls.resumed"));
    List<String> first = phases(spans, clients.get(0));
    assertTrue(first.contains("receive certificate_request"), first.toString());
    assertTrue(first.contains("send certificate_verify"), first.toString());
    assertTrue(phases(spans, servers.get(0)).contains("validate certificate chain"));
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  @Test
  void untrustedServerCertificateFailsWithTheClientsAlert() throws Exception {
    SSLContext server = BcjsseScenarios.context(TestPki.keyStore(TestPki.Server.UNTRUSTED));
    SSLContext client = BcjsseScenarios.context(null);
    String result = BcjsseScenarios.engines(server, client, "TLSv1.3", false);
    assertTrue(result.startsWith("FAILED"), result);
    List<SpanData> spans = InProcessAgent.spans();
    SpanData c = root(spans, "TLS client handshake");
    SpanData s = root(spans, "TLS server handshake");
    assertEquals(StatusCode.ERROR, c.getStatus().getStatusCode());
    assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode());
    assertEquals("local", str(c, "handshake.alert.origin"));
    assertEquals("peer", str(s, "handshake.alert.origin"));
    assertEquals(str(c, "handshake.alert"), str(s, "handshake.alert"));
    assertEquals("certificate_unknown", str(c, "handshake.alert"));
    assertEquals("untrusted_certificate", str(c, "handshake.failure_reason"));
    assertEquals("peer_rejected_certificate", str(s, "handshake.failure_reason"));
    assertTrue(
        str(c, "handshake.diagnosis").startsWith("Untrusted chain"), str(c, "handshake.diagnosis"));
    assertEquals("CN=untrusted.example", str(c, "tls.server.subject"));
    assertTrue(
        phases(spans, c).contains("validate certificate chain"), phases(spans, c).toString());
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  @Test
  void missingClientCertificateAndProtocolMismatchFail() throws Exception {
    SSLContext server = BcjsseScenarios.context(TestPki.keyStore(TestPki.Server.RSA));
    SSLContext client = BcjsseScenarios.context(null);
    String noCert = BcjsseScenarios.engines(server, client, "TLSv1.3", true);
    assertTrue(noCert.startsWith("FAILED"), noCert);
    List<SpanData> spans = InProcessAgent.spans();
    SpanData s = root(spans, "TLS server handshake");
    assertEquals("local", str(s, "handshake.alert.origin"));
    assertEquals("certificate_required", str(s, "handshake.alert"));
    assertEquals("required", str(s, "handshake.client_auth"));
    assertEquals("client_certificate_missing", str(s, "handshake.failure_reason"));
    InProcessAgent.reset();

    String mismatch = BcjsseScenarios.mismatchedEngines(server, client);
    assertTrue(mismatch.startsWith("FAILED"), mismatch);
    spans = InProcessAgent.spans();
    SpanData ms = root(spans, "TLS server handshake");
    SpanData mc = root(spans, "TLS client handshake");
    assertEquals(StatusCode.ERROR, ms.getStatus().getStatusCode());
    assertEquals("protocol_version", str(ms, "handshake.alert"));
    assertEquals("local", str(ms, "handshake.alert.origin"));
    assertEquals("peer", str(mc, "handshake.alert.origin"));
    assertEquals("protocol_version_mismatch", str(ms, "handshake.failure_reason"));
    assertEquals("protocol_version_mismatch", str(mc, "handshake.failure_reason"));
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  @Test
  void peerClosingMidHandshakeFailsTheClient() throws Exception {
    String result = BcjsseScenarios.peerCloses(BcjsseScenarios.context(null));
    assertTrue(result.startsWith("FAILED"), result);
    List<SpanData> spans = InProcessAgent.spans();
    SpanData c = root(spans, "TLS client handshake");
    assertEquals(StatusCode.ERROR, c.getStatus().getStatusCode());
    assertEquals("SSLSocket", str(c, "handshake.api"));
    assertEquals(List.of("send client_hello"), phases(spans, c));
    assertEquals("handshake_failure", str(c, "handshake.alert"));
    assertEquals("local", str(c, "handshake.alert.origin"));
    assertEquals("peer_closed", str(c, "handshake.failure_reason"));
    assertTrue(
        c.getEvents().stream().anyMatch(ev -> ev.getName().equals("peer_closed")),
        c.getEvents().toString());
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  // ---------------------------------------------------------------- helpers

  private static SpanData root(List<SpanData> spans, String prefix) {
    List<SpanData> r = roots(spans, prefix);
    assertEquals(1, r.size(), Traces.names(spans));
    return r.get(0);
  }

  private static List<SpanData> roots(List<SpanData> spans, String prefix) {
    return Traces.roots(spans).stream()
        .filter(s -> s.getName().startsWith(prefix))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .collect(Collectors.toList());
  }

  private static List<String> phases(List<SpanData> spans, SpanData root) {
    return Traces.descendants(spans, root).stream()
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .map(SpanData::getName)
        .collect(Collectors.toList());
  }

  private static String str(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.stringKey(key));
  }

  private static Boolean bool(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.booleanKey(key));
  }
}
