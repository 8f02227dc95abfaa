package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.bool;
import static dev.handshakeagent.agent.inprocess.ScenarioSpans.num;
import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Successful handshakes with the agent installed in this JVM: one root per side, every phase. */
class HandshakeSuccessTest {

  static final List<String> TLS13_CLIENT =
      List.of(
          "send client_hello",
          "receive server_hello",
          "receive encrypted_extensions",
          "receive certificate",
          "validate certificate chain",
          "receive certificate_verify",
          "receive finished",
          "send finished",
          "receive new_session_ticket");
  static final List<String> TLS13_SERVER =
      List.of(
          "receive client_hello",
          "send server_hello",
          "send encrypted_extensions",
          "send certificate",
          "send certificate_verify",
          "send finished",
          "receive finished",
          "send new_session_ticket");
  static final List<String> TLS12_CLIENT =
      List.of(
          "send client_hello",
          "receive server_hello",
          "receive certificate",
          "validate certificate chain",
          "receive server_key_exchange",
          "receive server_hello_done",
          "send client_key_exchange",
          "send finished",
          "send change_cipher_spec",
          "receive new_session_ticket",
          "receive change_cipher_spec",
          "receive finished");
  static final List<String> TLS12_SERVER =
      List.of(
          "receive client_hello",
          "send server_hello",
          "send certificate",
          "send server_key_exchange",
          "send server_hello_done",
          "receive client_key_exchange",
          "receive change_cipher_spec",
          "receive finished",
          "send finished",
          "send new_session_ticket",
          "send change_cipher_spec");

  @Test
  void tls13SocketRsaExportsOneTraceEachSideWithEveryPhase() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS13_SOCKET_RSA);
    assertTrue(o.result().client.startsWith("OK TLSv1.3"), o.result().toString());
    assertEquals(2, Traces.roots(o.spans).size(), Traces.names(o.spans));
    SpanData client = o.client();
    SpanData server = o.server();
    assertEquals("TLS client handshake localhost", client.getName());
    assertEquals("TLS server handshake", server.getName());
    assertEquals(SpanKind.INTERNAL, client.getKind());
    assertEquals(TLS13_CLIENT, o.phases(client));
    assertEquals(TLS13_SERVER, o.phases(server));
    // Nesting as the JDK does the work.
    assertEquals("receive certificate", o.parent(client, "validate certificate chain"));
    assertEquals("receive finished", o.parent(client, "send finished"));
    assertEquals("receive client_hello", o.parent(server, "send certificate_verify"));
    assertEquals("receive finished", o.parent(server, "send new_session_ticket"));
    for (SpanData root : List.of(client, server)) {
      assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode());
      assertEquals("tls", str(root, "tls.protocol.name"));
      assertEquals("1.3", str(root, "tls.protocol.version"));
      assertEquals(o.result().client.split(" ")[2], str(root, "tls.cipher"));
      assertEquals("x25519", str(root, "tls.curve"));
      assertEquals(true, bool(root, "tls.established"));
      assertEquals(false, bool(root, "tls.resumed"));
      assertEquals(false, bool(root, "handshake.hello_retry"));
      assertEquals("SSLSocket", str(root, "handshake.api"));
      assertEquals("SunJSSE", str(root, "handshake.provider"));
      assertEquals("CN=localhost,O=handshake-agent", str(root, "tls.server.subject"));
      assertEquals(TestPki.CA_DN, str(root, "tls.server.issuer"));
      assertEquals(leafSha256(TestPki.Server.RSA), str(root, "tls.server.hash.sha256"));
      assertTrue(str(root, "tls.server.not_after").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
      assertNull(str(root, "tls.client.subject"));
      assertEquals("localhost", str(root, "server.address"));
      assertEquals((long) o.result().port, num(root, "server.port"));
      assertEquals("127.0.0.1", str(root, "network.peer.address"));
      assertNull(str(root, "error.type"));
      for (SpanData phase : Traces.descendants(o.spans, root)) {
        assertEquals(root.getTraceId(), phase.getTraceId());
        assertTrue(phase.getStartEpochNanos() >= root.getStartEpochNanos(), phase.getName());
      }
    }
    assertEquals("client", str(client, "handshake.role"));
    assertEquals("none", str(client, "handshake.client_auth"));
    assertEquals("server", str(server, "handshake.role"));
    assertEquals("none", str(server, "handshake.client_auth"));
    assertEquals("127.0.0.1", str(server, "client.address"));
    assertEquals(num(server, "network.peer.port"), num(server, "client.port"));
    SpanData hello = Traces.descendants(o.spans, client).get(0);
    assertEquals("client_hello", str(hello, "handshake.message"));
    assertEquals("send", str(hello, "handshake.direction"));
    // The post-handshake ticket arrives with the first data, after the root ended.
    SpanData ticket = Traces.descendants(o.spans, client).get(TLS13_CLIENT.size() - 1);
    assertEquals(true, bool(ticket, "handshake.post_handshake"));
  }

  @Test
  void tls13SocketEcCertificate() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS13_SOCKET_EC);
    assertEquals(TLS13_CLIENT, o.phases(o.client()));
    assertEquals(TLS13_SERVER, o.phases(o.server()));
    assertEquals("CN=localhost,O=handshake-agent EC", str(o.client(), "tls.server.subject"));
    assertEquals(leafSha256(TestPki.Server.EC), str(o.server(), "tls.server.hash.sha256"));
  }

  @Test
  void tls12EcdheSocket() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS12_SOCKET_ECDHE);
    assertEquals(TLS12_CLIENT, o.phases(o.client()));
    assertEquals(TLS12_SERVER, o.phases(o.server()));
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals("1.2", str(root, "tls.protocol.version"));
      assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", str(root, "tls.cipher"));
      assertEquals("x25519", str(root, "tls.curve"));
    }
    assertEquals("receive server_hello_done", o.parent(o.client(), "send client_key_exchange"));
    assertEquals("send finished", o.parent(o.server(), "send change_cipher_spec"));
  }

  /**
   * Whether this JDK's security configuration disables RSA key exchange ({@code TLS_RSA_*} in
   * {@code jdk.tls.disabledAlgorithms}: JDK 25, and JDK 17 from 17.0.21 on): decided by the
   * configuration, not the version, since updates of one line change it.
   */
  static boolean rsaKeyExchangeDisabled() {
    String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
    return disabled != null
        && Arrays.stream(disabled.split(",")).map(String::trim).anyMatch("TLS_RSA_*"::equals);
  }

  @Test
  void tls12RsaKeyExchangeWhereTheJdkAllowsIt() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS12_SOCKET_RSA_KEY_EXCHANGE);
    if (!rsaKeyExchangeDisabled()) {
      assertTrue(o.result().client.startsWith("OK TLSv1.2 TLS_RSA_WITH"), o.result().toString());
      List<String> phases = o.phases(o.client());
      assertFalse(phases.contains("receive server_key_exchange"), phases.toString());
      assertTrue(phases.contains("send client_key_exchange"), phases.toString());
      assertNull(str(o.client(), "tls.curve"), "RSA key exchange has no named group");
      assertEquals("TLS_RSA_WITH_AES_128_GCM_SHA256", str(o.server(), "tls.cipher"));
    } else {
      // JDK 25 and 17.0.21 disable TLS_RSA_* suites: both sides fail before any message is sent.
      for (SpanData root : List.of(o.client(), o.server())) {
        assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode());
        assertEquals("handshake_failure", str(root, "error.type"));
        assertEquals(
            "No appropriate protocol (protocol is disabled or cipher suites are inappropriate)",
            root.getStatus().getDescription());
      }
    }
  }

  @Test
  void mutualTls13() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.MTLS13_SOCKET);
    List<String> client = o.phases(o.client());
    assertEquals(
        List.of(
            "send client_hello",
            "receive server_hello",
            "receive encrypted_extensions",
            "receive certificate_request",
            "receive certificate",
            "validate certificate chain",
            "receive certificate_verify",
            "receive finished",
            "send certificate",
            "send certificate_verify",
            "send finished",
            "receive new_session_ticket"),
        client);
    List<String> server = o.phases(o.server());
    assertTrue(
        server.containsAll(
            List.of(
                "send certificate_request",
                "receive certificate",
                "validate certificate chain",
                "receive certificate_verify")),
        server.toString());
    assertEquals("receive certificate", o.parent(o.server(), "validate certificate chain"));
    assertEquals("required", str(o.server(), "handshake.client_auth"));
    assertEquals("requested", str(o.client(), "handshake.client_auth"));
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals("CN=handshake-client,O=handshake-agent", str(root, "tls.client.subject"));
      assertEquals(TestPki.CA_DN, str(root, "tls.client.issuer"));
      assertNotNull(str(root, "tls.client.hash.sha256"));
    }
  }

  @Test
  void mutualTls12() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.MTLS12_SOCKET);
    assertTrue(
        o.phases(o.client())
            .containsAll(
                List.of(
                    "receive certificate_request", "send certificate", "send certificate_verify")),
        o.phases(o.client()).toString());
    assertEquals("required", str(o.server(), "handshake.client_auth"));
    assertEquals("CN=handshake-client,O=handshake-agent", str(o.server(), "tls.client.subject"));
  }

  @Test
  void helloRetryRequest() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.HELLO_RETRY_SOCKET);
    List<String> client = o.phases(o.client());
    assertEquals(
        List.of(
            "send client_hello",
            "receive hello_retry_request",
            "send client_hello",
            "receive server_hello"),
        client.subList(0, 4));
    List<String> server = o.phases(o.server());
    assertEquals(
        List.of(
            "receive client_hello",
            "send hello_retry_request",
            "receive client_hello",
            "send server_hello"),
        server.subList(0, 4));
    for (SpanData root : List.of(o.client(), o.server())) {
      assertEquals(true, bool(root, "handshake.hello_retry"));
      assertEquals(true, bool(root, "tls.established"));
      String curve = str(root, "tls.curve");
      assertFalse("x25519".equals(curve) || "secp256r1".equals(curve), curve);
    }
  }

  @Test
  void tls13PskResumption() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.RESUME13_SOCKET);
    assertEquals(4, Traces.roots(o.spans).size(), Traces.names(o.spans));
    List<SpanData> clients = byStart(Traces.roots(o.spans, "client"));
    List<SpanData> servers = byStart(Traces.roots(o.spans, "server"));
    assertEquals(false, bool(clients.get(0), "tls.resumed"));
    assertEquals(true, bool(clients.get(1), "tls.resumed"));
    assertEquals(true, bool(servers.get(1), "tls.resumed"));
    assertEquals(
        List.of(
            "send client_hello",
            "receive server_hello",
            "receive encrypted_extensions",
            "receive finished",
            "send finished",
            "receive new_session_ticket"),
        o.phases(clients.get(1)));
    assertEquals(
        List.of(
            "receive client_hello",
            "send server_hello",
            "send encrypted_extensions",
            "send finished",
            "receive finished",
            "send new_session_ticket"),
        o.phases(servers.get(1)));
  }

  @Test
  void tls12TicketResumption() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.RESUME12_SOCKET);
    List<SpanData> clients = byStart(Traces.roots(o.spans, "client"));
    List<SpanData> servers = byStart(Traces.roots(o.spans, "server"));
    assertEquals(2, clients.size());
    assertEquals(true, bool(clients.get(1), "tls.resumed"));
    assertEquals(true, bool(servers.get(1), "tls.resumed"));
    List<String> abbreviated = o.phases(clients.get(1));
    assertFalse(abbreviated.contains("receive certificate"), abbreviated.toString());
    assertFalse(abbreviated.contains("send client_key_exchange"), abbreviated.toString());
    assertTrue(abbreviated.contains("receive finished"), abbreviated.toString());
  }

  @Test
  void tls12SessionIdResumption() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.RESUME12_SESSION_ID_SOCKET);
    List<SpanData> clients = byStart(Traces.roots(o.spans, "client"));
    List<SpanData> servers = byStart(Traces.roots(o.spans, "server"));
    assertEquals(false, bool(clients.get(0), "tls.resumed"));
    assertEquals(true, bool(clients.get(1), "tls.resumed"));
    assertEquals(true, bool(servers.get(1), "tls.resumed"));
    // No ticket anywhere: the session id in server_hello resumes the session.
    for (SpanData root : o.spans) {
      assertFalse(root.getName().endsWith("new_session_ticket"), Traces.names(o.spans));
    }
    assertEquals(
        List.of(
            "send client_hello",
            "receive server_hello",
            "receive change_cipher_spec",
            "receive finished",
            "send finished",
            "send change_cipher_spec"),
        o.phases(clients.get(1)));
    assertEquals(
        List.of(
            "receive client_hello",
            "send server_hello",
            "send finished",
            "send change_cipher_spec",
            "receive change_cipher_spec",
            "receive finished"),
        o.phases(servers.get(1)));
  }

  @Test
  void tls13KeyUpdateAppearsUnderTheConnectionsHandshake() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.KEY_UPDATE13_SOCKET);
    assertEquals(2, Traces.roots(o.spans).size(), "a key update is not a new handshake");
    List<String> client = o.phases(o.client());
    List<String> server = o.phases(o.server());
    // The client asks for an update; the server updates its own keys in reply.
    assertEquals(
        List.of("send key_update", "receive key_update"),
        client.subList(client.size() - 2, client.size()),
        client.toString());
    assertEquals(
        List.of("receive key_update", "send key_update"),
        server.subList(server.size() - 2, server.size()),
        server.toString());
    SpanData update =
        Traces.descendants(o.spans, o.client()).stream()
            .filter(s -> s.getName().equals("send key_update"))
            .findFirst()
            .orElseThrow();
    assertEquals(true, bool(update, "handshake.post_handshake"));
    assertTrue(update.getStartEpochNanos() > o.client().getEndEpochNanos());
  }

  @Test
  void tls13EngineWithDelegatedTasksOnAnotherThread() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS13_ENGINE);
    assertEquals(TLS13_CLIENT, o.phases(o.client()));
    assertEquals(TLS13_SERVER, o.phases(o.server()));
    assertEquals("SSLEngine", str(o.client(), "handshake.api"));
    assertEquals((long) o.result().port, num(o.client(), "server.port"));
    assertEquals((long) o.result().port, num(o.server(), "client.port"));
    assertEquals("127.0.0.1", str(o.server(), "client.address"));
    // Phase spans are children of their own root, whatever thread ran them.
    assertEquals("receive client_hello", o.parent(o.server(), "send certificate_verify"));
  }

  @Test
  void tls12Engine() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS12_ENGINE);
    assertEquals(TLS12_CLIENT, o.phases(o.client()));
    assertEquals(TLS12_SERVER, o.phases(o.server()));
    assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", str(o.client(), "tls.cipher"));
  }

  @Test
  void mutualTls13Engine() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.MTLS13_ENGINE);
    assertEquals("required", str(o.server(), "handshake.client_auth"));
    assertEquals("CN=handshake-client,O=handshake-agent", str(o.server(), "tls.client.subject"));
    assertTrue(o.phases(o.client()).contains("send certificate_verify"));
  }

  private static List<SpanData> byStart(List<SpanData> roots) {
    return roots.stream()
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .collect(Collectors.toList());
  }

  static String leafSha256(TestPki.Server server) throws Exception {
    String name = TestPki.keyStore(server).getFileName().toString().replace(".p12", ".cer");
    try (InputStream in = Files.newInputStream(TestPki.dir().resolve(name))) {
      X509Certificate c =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }
  }
}
