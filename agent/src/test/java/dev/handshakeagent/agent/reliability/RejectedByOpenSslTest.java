package dev.handshakeagent.agent.reliability;

import static dev.handshakeagent.agent.reliability.Reliability.bool;
import static dev.handshakeagent.agent.reliability.Reliability.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code openssl s_server -tls1_3 -Verify 1} (a client certificate required) and JDK clients that
 * have none: the server answers the client's Finished with a fatal alert, and every call fails.
 * Each client connection is one failed root with the alert s_server says it sent, received from the
 * peer, whichever JDK client made it (SSLSocket, HttpsURLConnection, HttpClient).
 */
class RejectedByOpenSslTest {
  static final String REQUEST = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

  static AgentRuntime agent;
  static Path ca;
  static Path serverPem;

  @BeforeAll
  static void setUp() throws Exception {
    assertTrue(ExternalPeer.available("openssl"), "openssl must be on the PATH");
    // Short: a retried connection that s_server never accepts is abandoned soon.
    // A long rejection.wait: an accepted client's root must come before it, at the server's first
    // record.
    agent = Reliability.agent("abandon.timeout=3s,rejection.wait=10s");
    ca = TestPki.dir().resolve("ca.cer");
    serverPem = ExternalPeer.pem(TestPki.keyStore(TestPki.Server.RSA), "server-rsa");
  }

  @AfterAll
  static void agentStateIsEmpty() throws Exception {
    Reliability.assertQuiet(agent, 5_000);
  }

  @Test
  void sslSocket() throws Exception {
    try (ExternalPeer.SServer s = requiringClientCertificate()) {
      SSLContext context = TestPki.clientContext(false);
      try (SSLSocket c = (SSLSocket) context.getSocketFactory().createSocket("localhost", s.port)) {
        c.setSoTimeout(15_000);
        c.startHandshake(); // TLS 1.3: the client finishes before the server judges it
        c.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        InputStream in = c.getInputStream();
        SSLException e = assertThrows(SSLException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("Received fatal alert"), e.toString());
      }
      SpanData root = assertRejected(s, "SSLSocket");
      assertTrue(
          str(root, "handshake.diagnosis")
              .startsWith("The server requires a client certificate and this client sent none"),
          str(root, "handshake.diagnosis"));
    }
  }

  @Test
  void httpsUrlConnection() throws Exception {
    try (ExternalPeer.SServer s = requiringClientCertificate()) {
      HttpsURLConnection c =
          (HttpsURLConnection) new URL("https://localhost:" + s.port + "/").openConnection();
      c.setSSLSocketFactory(TestPki.clientContext(false).getSocketFactory());
      c.setConnectTimeout(15_000);
      c.setReadTimeout(15_000);
      assertThrows(IOException.class, c::getResponseCode);
      assertRejected(s, "SSLSocket");
    }
  }

  @Test
  void httpClient() throws Exception {
    try (ExternalPeer.SServer s = requiringClientCertificate()) {
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(TestPki.clientContext(false))
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(15))
              .build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("https://localhost:" + s.port + "/"))
              .timeout(Duration.ofSeconds(15))
              .build();
      assertThrows(
          IOException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
      assertRejected(s, "SSLEngine");
    }
  }

  /**
   * s_server sends no session ticket ({@code -num_tickets 0}): the first record this accepted
   * client reads is the answer's application data, which ends the wait for the verdict.
   */
  @Test
  void acceptedClientIsExportedAtTheServersFirstApplicationData() throws Exception {
    try (ExternalPeer.SServer s = requiringClientCertificate("-num_tickets", "0")) {
      SSLContext context = TestPki.clientContext(true);
      List<SpanData> roots = List.of();
      long after;
      try (SSLSocket c = (SSLSocket) context.getSocketFactory().createSocket("localhost", s.port)) {
        c.setSoTimeout(15_000);
        c.startHandshake();
        c.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        InputStream in = c.getInputStream();
        assertEquals('H', in.read()); // the first application data ("HTTP/1.0 200 ok")
        long read = System.nanoTime();
        // While the connection is still open: only the record read can have ended the wait.
        while (roots.isEmpty() && System.nanoTime() - read < TimeUnit.SECONDS.toNanos(5)) {
          roots = Reliability.roots(InProcessAgent.spans(), "client");
        }
        after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - read);
        String page = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(page.contains("CN=handshake-client"), page);
      }
      s.report();
      assertEquals(1, roots.size(), "client roots: " + roots);
      assertEquals(true, bool(roots.get(0), "tls.established"), roots.get(0).getAttributes() + "");
      assertEquals("requested", str(roots.get(0), "handshake.client_auth"));
      assertTrue(
          after < 5_000, "the root came " + after + " ms after the first data, not the wait");
      Reliability.report(
          "accepted by s_server -num_tickets 0: root exported "
              + after
              + " ms"
              + " after the first application data");
    }
  }

  static ExternalPeer.SServer requiringClientCertificate(String... extra) throws Exception {
    InProcessAgent.reset();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-cert",
                serverPem.toString(),
                "-key",
                serverPem.toString(),
                "-www",
                "-msg",
                "-naccept",
                "1",
                "-tls1_3",
                "-Verify",
                "1",
                "-CAfile",
                ca.toString()));
    args.addAll(List.of(extra));
    return new ExternalPeer.SServer(args);
  }

  /**
   * The connection s_server handled is one failed client root, with the alert s_server sent, from
   * the peer, after our Finished; no client root is a success. A client that retries (HttpClient
   * and HttpsURLConnection may, on some JDKs) reaches a server that accepts no more connections:
   * those handshakes fail (or are abandoned) on their own, each as a failed root too.
   */
  static SpanData assertRejected(ExternalPeer.SServer s, String api) throws Exception {
    ExternalPeer.Report peer = s.report();
    assertEquals(List.of("certificate_required"), peer.alertsSent, peer.output);
    s.close(); // a retry still waiting in the listen backlog is reset now
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (agent.tracker.activeHandshakes() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, agent.tracker.activeHandshakes(), "handshakes left open");
    List<SpanData> roots = Reliability.roots(InProcessAgent.spans(), "client");
    List<SpanData> rejected =
        roots.stream()
            .filter(r -> "receive alert".equals(str(r, "handshake.failed_phase")))
            .collect(Collectors.toList());
    assertEquals(1, rejected.size(), "client roots: " + roots);
    for (SpanData r : roots) {
      assertEquals(false, bool(r, "tls.established"), r.getAttributes().toString());
    }
    SpanData root = rejected.get(0);
    String context = root.getAttributes() + " " + root.getStatus() + "\nvs peer " + peer;
    Traces.assertRejectedAfterFinished(root, "certificate_required", context);
    assertEquals(api, str(root, "handshake.api"), context);
    Reliability.report(
        "rejected by s_server -Verify 1 ("
            + api
            + "): "
            + str(root, "error.type")
            + " in "
            + str(root, "handshake.failed_phase")
            + "; "
            + str(root, "handshake.diagnosis")
            + " ("
            + roots.size()
            + " client roots, all failed)");
    return root;
  }
}
