package dev.handshakeagent.agent.reliability;

import static dev.handshakeagent.agent.reliability.Reliability.bool;
import static dev.handshakeagent.agent.reliability.Reliability.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenSSL ({@code s_client}, {@code s_server}) and curl as the other side of the JDK's handshakes,
 * TLS 1.2 and 1.3, with and without client certificates, resumed with {@code -sess_out/-sess_in},
 * and failing: the agent's root span on the JDK side agrees with what the peer reports (protocol,
 * cipher, new or reused, group, the fatal alert and who sent it). Needs {@code openssl} and {@code
 * curl} on the PATH ({@code .ci/run} installs them).
 */
class RealPeersTest {
  static final String REQUEST = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

  static AgentRuntime agent;
  static Path ca;
  static Path serverPem;
  static Path clientPem;
  static Path untrustedPem;
  static int cases;

  @BeforeAll
  static void setUp() throws Exception {
    assertTrue(
        ExternalPeer.available("openssl") && ExternalPeer.available("curl"),
        "openssl and curl must be on the PATH (.ci/run: apt-get install -y openssl curl)");
    agent = Reliability.agent("abandon.timeout=10s");
    ca = TestPki.dir().resolve("ca.cer");
    serverPem = ExternalPeer.pem(TestPki.keyStore(TestPki.Server.RSA), "server-rsa");
    clientPem = ExternalPeer.pem(TestPki.clientKeyStore(), "client");
    untrustedPem = ExternalPeer.pem(TestPki.keyStore(TestPki.Server.UNTRUSTED), "server-untrusted");
  }

  @AfterAll
  static void agentStateIsEmpty() throws Exception {
    Reliability.assertQuiet(agent, 5_000);
    Reliability.report("real peers: " + cases + " handshakes against openssl and curl agreed");
  }

  // ------------------------------------------------------------------ JDK server, s_client

  @Test
  void sClientTls13() throws Exception {
    sClientSucceeds("-tls1_3", false);
  }

  @Test
  void sClientTls12() throws Exception {
    sClientSucceeds("-tls1_2", false);
  }

  @Test
  void sClientTls13WithClientCertificate() throws Exception {
    sClientSucceeds("-tls1_3", true);
  }

  @Test
  void sClientTls12WithClientCertificate() throws Exception {
    sClientSucceeds("-tls1_2", true);
  }

  @Test
  void sClientResumesTls13() throws Exception {
    sClientResumes("-tls1_3");
  }

  @Test
  void sClientResumesTls12() throws Exception {
    sClientResumes("-tls1_2");
  }

  @Test
  void sClientRejectsTheServersCaTls12() throws Exception {
    try (TlsTestServer server = jdkServer(null, false)) {
      ExternalPeer.Report peer =
          sClient(
              server, List.of("-tls1_2", "-CAfile", certOf(untrustedPem), "-verify_return_error"));
      SpanData root = serverRoot(server);
      assertEquals(List.of("unknown_ca"), peer.alertsSent, peer.output);
      assertPeerAlertOrApplicationView(root, server, "unknown_ca", peer);
    }
  }

  /**
   * OpenSSL sends this TLS 1.3 alert in plaintext (its handshake write keys are not in use yet),
   * which SunJSSE does not accept (JDK 17: "Insufficient buffer remaining for AEAD cipher
   * fragment", JDK 25: "Unexpected plaintext alert"): the root reports the JDK's own failure, as
   * the application saw it, not the peer's alert.
   */
  @Test
  void sClientRejectsTheServersCaTls13() throws Exception {
    try (TlsTestServer server = jdkServer(null, false)) {
      ExternalPeer.Report peer =
          sClient(
              server, List.of("-tls1_3", "-CAfile", certOf(untrustedPem), "-verify_return_error"));
      assertEquals(List.of("unknown_ca"), peer.alertsSent, peer.output);
      assertFailedAsTheApplicationSaw(serverRoot(server), server, peer);
    }
  }

  @Test
  void sClientTls12AgainstTls13OnlyServer() throws Exception {
    try (TlsTestServer server = jdkServer(new String[] {"TLSv1.3"}, false)) {
      ExternalPeer.Report peer = sClient(server, List.of("-tls1_2"));
      SpanData root = serverRoot(server);
      assertEquals(List.of("protocol_version"), peer.alertsReceived, peer.output);
      assertFailedAs(root, "protocol_version", "local", peer);
      assertNull(str(root, "tls.protocol.version"));
    }
  }

  @Test
  void sClientWithoutRequiredCertificateTls13() throws Exception {
    sClientWithoutRequiredCertificate("-tls1_3");
  }

  @Test
  void sClientWithoutRequiredCertificateTls12() throws Exception {
    sClientWithoutRequiredCertificate("-tls1_2");
  }

  void sClientWithoutRequiredCertificate(String version) throws Exception {
    try (TlsTestServer server = jdkServer(null, true)) {
      ExternalPeer.Report peer = sClient(server, List.of(version));
      SpanData root = serverRoot(server);
      assertEquals(1, peer.alertsReceived.size(), peer.output);
      // JDK 17.0.15 sends bad_certificate, 17.0.21 and 25 certificate_required (1.3) /
      // handshake_failure (1.2): whatever this JDK sent, the root names the same.
      assertFailedAs(root, peer.alertsReceived.get(0), "local", peer);
      assertEquals("required", str(root, "handshake.client_auth"));
    }
  }

  void sClientSucceeds(String version, boolean clientCert) throws Exception {
    try (TlsTestServer server = jdkServer(null, clientCert)) {
      List<String> args = new ArrayList<>(List.of(version));
      if (clientCert) {
        args.addAll(List.of("-cert", clientPem.toString(), "-key", clientPem.toString()));
      }
      ExternalPeer.Report peer = sClient(server, args);
      SpanData root = serverRoot(server);
      assertAgrees(root, peer, false);
      assertEquals(peer.group, str(root, "tls.curve"), "key exchange group, " + peer);
      if (clientCert) {
        assertEquals(subject(clientPem), str(root, "tls.client.subject"));
        assertEquals("required", str(root, "handshake.client_auth"));
      } else {
        assertNull(str(root, "tls.client.subject"));
      }
    }
  }

  void sClientResumes(String version) throws Exception {
    Path session = Files.createTempFile("session", ".pem");
    try (TlsTestServer server = jdkServer(null, false)) {
      ExternalPeer.Report first =
          sClient(server, List.of(version, "-sess_out", session.toString()));
      assertAgrees(serverRoot(server), first, false);
      ExternalPeer.Report second =
          sClient(server, List.of(version, "-sess_in", session.toString()));
      assertEquals(Boolean.TRUE, second.reused, second.output);
      assertAgrees(serverRoot(server), second, true);
    } finally {
      Files.deleteIfExists(session);
    }
  }

  // ------------------------------------------------------------------ JDK client, s_server

  @Test
  void sServerTls13() throws Exception {
    sServerSucceeds("-tls1_3", false);
  }

  @Test
  void sServerTls12() throws Exception {
    sServerSucceeds("-tls1_2", false);
  }

  @Test
  void sServerTls13RequiringClientCertificate() throws Exception {
    sServerSucceeds("-tls1_3", true);
  }

  @Test
  void sServerTls12RequiringClientCertificate() throws Exception {
    sServerSucceeds("-tls1_2", true);
  }

  @Test
  void jdkClientResumesAgainstSServerTls13() throws Exception {
    jdkClientResumes("-tls1_3");
  }

  @Test
  void jdkClientResumesAgainstSServerTls12() throws Exception {
    jdkClientResumes("-tls1_2");
  }

  @Test
  void jdkClientRejectsUntrustedSServer() throws Exception {
    try (ExternalPeer.SServer s = sServer(untrustedPem, 1, "-tls1_3")) {
      reset();
      String page = jdkClient(s.port, TestPki.clientContext(false), null);
      assertTrue(page.startsWith("FAIL"), page);
      ExternalPeer.Report peer = s.report();
      SpanData root = clientRoot();
      assertEquals(1, peer.alertsReceived.size(), peer.output);
      assertFailedAs(root, peer.alertsReceived.get(0), "local", peer);
      assertEquals("CN=untrusted.example", str(root, "tls.server.subject"));
    }
  }

  @Test
  void jdkTls12ClientAgainstTls13OnlySServer() throws Exception {
    try (ExternalPeer.SServer s = sServer(serverPem, 1, "-tls1_3")) {
      reset();
      String page = jdkClient(s.port, TestPki.clientContext(false), new String[] {"TLSv1.2"});
      assertTrue(page.startsWith("FAIL"), page);
      ExternalPeer.Report peer = s.report();
      assertEquals(List.of("protocol_version"), peer.alertsSent, peer.output);
      assertFailedAs(clientRoot(), "protocol_version", "peer", peer);
    }
  }

  void sServerSucceeds(String version, boolean clientCert) throws Exception {
    List<String> extra = new ArrayList<>(List.of(version));
    if (clientCert) {
      extra.addAll(List.of("-Verify", "1", "-CAfile", ca.toString()));
    }
    try (ExternalPeer.SServer s = sServer(serverPem, 1, extra.toArray(new String[0]))) {
      reset();
      String page = jdkClient(s.port, TestPki.clientContext(clientCert), null);
      ExternalPeer.Report peer = ExternalPeer.parse(page, 0); // s_server -www describes the session
      SpanData root = clientRoot();
      assertAgrees(root, peer, false);
      if (clientCert) {
        assertEquals("requested", str(root, "handshake.client_auth"));
        assertEquals(subject(clientPem), str(root, "tls.client.subject"));
        assertTrue(
            page.contains("Client certificate") && page.contains("CN=handshake-client"),
            "s_server saw the client certificate: " + page);
      } else {
        assertEquals("none", str(root, "handshake.client_auth"));
        assertTrue(page.contains("no client certificate available"), page);
      }
      s.report();
    }
  }

  void jdkClientResumes(String version) throws Exception {
    try (ExternalPeer.SServer s = sServer(serverPem, 2, version)) {
      SSLContext shared = TestPki.clientContext(false);
      reset();
      ExternalPeer.Report first = ExternalPeer.parse(jdkClient(s.port, shared, null), 0);
      assertAgrees(clientRoot(), first, false);
      reset();
      ExternalPeer.Report second = ExternalPeer.parse(jdkClient(s.port, shared, null), 0);
      assertEquals(Boolean.TRUE, second.reused, second.output);
      assertAgrees(clientRoot(), second, true);
      s.report();
    }
  }

  // ------------------------------------------------------------------ JDK server, curl

  @Test
  void curlTls13() throws Exception {
    curlSucceeds(List.of("--tlsv1.3"), false);
  }

  @Test
  void curlTls12() throws Exception {
    curlSucceeds(List.of("--tlsv1.2", "--tls-max", "1.2"), false);
  }

  @Test
  void curlTls13WithClientCertificate() throws Exception {
    curlSucceeds(List.of("--tlsv1.3"), true);
  }

  @Test
  void curlRejectsTheServersCaTls12() throws Exception {
    try (TlsTestServer server = jdkServer(null, false)) {
      ExternalPeer.Report peer =
          curl(server, List.of("--cacert", certOf(untrustedPem), "--tlsv1.2", "--tls-max", "1.2"));
      assertEquals(60, peer.exitCode, peer.output); // SSL certificate problem
      assertEquals(List.of("unknown_ca"), peer.alertsSent, peer.output);
      assertPeerAlertOrApplicationView(serverRoot(server), server, "unknown_ca", peer);
    }
  }

  /** As {@link #sClientRejectsTheServersCaTls13}: curl's plaintext TLS 1.3 alert. */
  @Test
  void curlRejectsTheServersCaTls13() throws Exception {
    try (TlsTestServer server = jdkServer(null, false)) {
      ExternalPeer.Report peer = curl(server, List.of("--cacert", certOf(untrustedPem)));
      assertEquals(60, peer.exitCode, peer.output);
      assertEquals(List.of("unknown_ca"), peer.alertsSent, peer.output);
      assertFailedAsTheApplicationSaw(serverRoot(server), server, peer);
    }
  }

  @Test
  void curlTls12AgainstTls13OnlyServer() throws Exception {
    try (TlsTestServer server = jdkServer(new String[] {"TLSv1.3"}, false)) {
      ExternalPeer.Report peer =
          curl(server, List.of("--cacert", ca.toString(), "--tlsv1.2", "--tls-max", "1.2"));
      assertEquals(List.of("protocol_version"), peer.alertsReceived, peer.output);
      assertFailedAs(serverRoot(server), "protocol_version", "local", peer);
    }
  }

  void curlSucceeds(List<String> version, boolean clientCert) throws Exception {
    try (TlsTestServer server = jdkServer(null, clientCert)) {
      List<String> args = new ArrayList<>(List.of("--cacert", ca.toString()));
      args.addAll(version);
      if (clientCert) {
        args.addAll(List.of("--cert", clientPem.toString(), "--key", clientPem.toString()));
      }
      ExternalPeer.Report peer = curl(server, args);
      assertEquals(0, peer.exitCode, peer.output);
      assertTrue(peer.output.endsWith("ok\n"), peer.output);
      SpanData root = serverRoot(server);
      assertAgrees(root, peer, false);
      assertEquals(clientCert ? subject(clientPem) : null, str(root, "tls.client.subject"));
    }
  }

  // ------------------------------------------------------------------ helpers

  static void reset() {
    InProcessAgent.reset();
  }

  /** A JDK SSLServerSocket service presenting the RSA test certificate, answering HTTP. */
  static TlsTestServer jdkServer(String[] protocols, boolean needClientAuth) throws IOException {
    reset();
    return new TlsTestServer(
        TestPki.serverContext(TestPki.Server.RSA), protocols, needClientAuth, 2, 10_000, true);
  }

  static ExternalPeer.Report sClient(TlsTestServer server, List<String> args) throws Exception {
    int before = server.accepted();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + server.port(),
                "-servername",
                "localhost",
                "-msg",
                "-ign_eof"));
    if (!args.contains("-CAfile")) {
      cmd.addAll(List.of("-CAfile", ca.toString()));
    }
    cmd.addAll(args);
    ExternalPeer.Report r = ExternalPeer.run(cmd, REQUEST);
    assertTrue(server.awaitIdle(before + 1, 15_000), "the JDK server did not finish");
    return r;
  }

  static ExternalPeer.Report curl(TlsTestServer server, List<String> args) throws Exception {
    int before = server.accepted();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "curl",
                "-v",
                "-sS",
                "--max-time",
                "20",
                "--resolve",
                "localhost:" + server.port() + ":127.0.0.1"));
    cmd.addAll(args);
    cmd.add("https://localhost:" + server.port() + "/");
    ExternalPeer.Report r = ExternalPeer.run(cmd, null);
    assertTrue(server.awaitIdle(before + 1, 15_000), "the JDK server did not finish");
    return r;
  }

  static ExternalPeer.SServer sServer(Path pem, int connections, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-cert",
                pem.toString(),
                "-key",
                pem.toString(),
                "-www",
                "-msg",
                "-naccept",
                String.valueOf(connections)));
    args.addAll(List.of(extra));
    return new ExternalPeer.SServer(args);
  }

  /**
   * A JDK SSLSocket client: GET /, reads the whole answer (s_server -www describes the session in
   * it). Returns the page, or {@code FAIL <exception>}.
   */
  static String jdkClient(int port, SSLContext context, String[] protocols) throws IOException {
    try (SSLSocket c = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      c.setSoTimeout(15_000);
      SSLParameters p = c.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName("localhost")));
      if (protocols != null) {
        p.setProtocols(protocols);
      }
      c.setSSLParameters(p);
      try {
        c.startHandshake();
        c.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        InputStream in = c.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        return "FAIL " + e;
      }
    }
  }

  static SpanData serverRoot(TlsTestServer server) {
    List<SpanData> spans = InProcessAgent.spans();
    List<SpanData> roots = Reliability.roots(spans, "server");
    assertEquals(1, roots.size(), "server roots: " + roots);
    assertEquals(0, Reliability.roots(spans, "client").size());
    InProcessAgent.reset();
    return roots.get(0);
  }

  static SpanData clientRoot() {
    List<SpanData> spans = InProcessAgent.spans();
    List<SpanData> roots = Reliability.roots(spans, "client");
    assertEquals(1, roots.size(), "client roots: " + roots);
    assertEquals(0, Reliability.roots(spans, "server").size());
    InProcessAgent.reset();
    return roots.get(0);
  }

  /** A successful root agrees with the peer on version, cipher and resumption. */
  static void assertAgrees(SpanData root, ExternalPeer.Report peer, boolean resumed) {
    assertNotNull(peer.protocol, "the peer reported no protocol: " + peer.output);
    assertNotNull(peer.cipher, "the peer reported no cipher: " + peer.output);
    assertEquals(true, bool(root, "tls.established"), root.getAttributes() + " vs " + peer);
    assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode());
    assertEquals(
        peer.protocol.replace("TLSv", ""), str(root, "tls.protocol.version"), peer.toString());
    assertEquals(peer.cipher, str(root, "tls.cipher"), peer.toString());
    if (peer.reused != null) {
      assertEquals(peer.reused, bool(root, "tls.resumed"), peer.toString());
    }
    assertEquals(resumed, bool(root, "tls.resumed"), peer.toString());
    cases++;
  }

  /** A failed root names the alert the peer sent or received, and who sent it. */
  static void assertFailedAs(SpanData root, String alert, String origin, ExternalPeer.Report peer) {
    String context =
        root.getAttributes()
            + " status "
            + root.getStatus()
            + " events "
            + root.getEvents()
            + "\nvs peer "
            + peer
            + "\n"
            + peer.output;
    assertEquals(false, bool(root, "tls.established"), context);
    assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode(), context);
    assertEquals(alert, str(root, "error.type"), context);
    assertEquals(alert, str(root, "handshake.alert"), context);
    assertEquals(origin, str(root, "handshake.alert.origin"), context);
    cases++;
    Reliability.report(
        "real peer failure: "
            + alert
            + " ("
            + origin
            + ") in "
            + str(root, "handshake.failed_phase"));
  }

  /**
   * The peer sent {@code alert} and closed. When the JDK server read it, the root names it as the
   * peer's; when the server was still writing its flight and hit the closed socket first (a race),
   * the root is the failure the application saw instead.
   */
  static void assertPeerAlertOrApplicationView(
      SpanData root, TlsTestServer server, String alert, ExternalPeer.Report peer) {
    String app = server.seen().get(0).message;
    if (app != null && app.contains("Received fatal alert: " + alert)) {
      assertFailedAs(root, alert, "peer", peer);
    } else {
      assertFailedAsTheApplicationSaw(root, server, peer);
    }
  }

  /** A failed root whose status is the exception the JDK server application got. */
  static void assertFailedAsTheApplicationSaw(
      SpanData root, TlsTestServer server, ExternalPeer.Report peer) {
    List<TlsTestServer.Seen> seen = server.seen();
    assertEquals(1, seen.size());
    assertTrue(!seen.get(0).ok, seen.toString());
    String context = root.getAttributes() + " " + root.getStatus() + " vs application " + seen;
    assertEquals(false, bool(root, "tls.established"), context);
    assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode(), context);
    assertEquals("local", str(root, "handshake.alert.origin"), context);
    assertTrue(
        Reliability.sameAsApplication(root.getStatus().getDescription(), seen.get(0).message),
        context);
    cases++;
    Reliability.report(
        "real peer failure, JDK's view: "
            + str(root, "error.type")
            + " (local) for the peer's "
            + peer.alertsSent
            + ": "
            + root.getStatus().getDescription());
  }

  static String certOf(Path pem) {
    return ExternalPeer.certOnly(pem).toString();
  }

  /** RFC 2253 subject of the first certificate in a PEM file. */
  static String subject(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(ExternalPeer.certOnly(pem))) {
      X509Certificate c =
          (X509Certificate)
              CertificateFactory.getInstance("X.509").generateCertificates(in).iterator().next();
      return c.getSubjectX500Principal().getName();
    }
  }
}
