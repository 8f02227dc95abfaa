package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.JDK;
import static dev.handshakeagent.agent.inprocess.ScenarioSpans.bool;
import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsConfig;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.3 server checks the client's certificate only after the client's Finished and rejects it
 * with a fatal alert (RFC 8446 4.4.2.4). The client's root is then one failed handshake, not a
 * success with an alert hung under it; a client the server accepts is still exported as a success,
 * at once when the server's first record arrives, or after {@code rejection.wait} when none does.
 */
class RejectedClientTest {
  static final long WAIT_MILLIS = 3_000;
  static final AttributeKey<String> ROLE = AttributeKey.stringKey("handshake.role");
  static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");

  /** What each JDK sends for a TLS 1.3 client without a certificate (17: bad_certificate). */
  static final Set<String> NO_CERTIFICATE_ALERTS =
      Set.of("certificate_required", "bad_certificate");

  /** What each JDK sends for a client certificate its trust manager rejects. */
  static final Set<String> UNTRUSTED_CERTIFICATE_ALERTS =
      Set.of("certificate_unknown", "bad_certificate", "unknown_ca");

  static AgentRuntime agent;

  @BeforeAll
  static void install() {
    agent = InProcessAgent.install("abandon.timeout=30s,rejection.wait=" + WAIT_MILLIS + "ms");
  }

  // ------------------------------------------------------------------ SSLSocket

  @Test
  void socketClientWithoutCertificate() throws Exception {
    Counts before = new Counts(NO_CERTIFICATE_ALERTS);
    Exchange x = socketExchange(TestPki.clientContext(false), true);
    assertTrue(x.serverError.contains("Empty client certificate chain"), x.toString());
    SpanData root = x.clientRoot;
    String alert = assertRejected(root, x, NO_CERTIFICATE_ALERTS);
    assertNull(str(root, "tls.client.subject"), "this client sent no certificate");
    assertTrue(
        str(root, "handshake.diagnosis")
            .startsWith(
                "The server requires a client certificate and this client sent none (it had no"
                    + " key for the issuers the server asked for); the server sent "
                    + alert
                    + " after this client's Finished."),
        str(root, "handshake.diagnosis"));
    before.assertOneFailure();
  }

  @Test
  void socketClientWithUntrustedCertificate() throws Exception {
    Counts before = new Counts(UNTRUSTED_CERTIFICATE_ALERTS);
    Exchange x =
        socketExchange(TlsConfig.clientPresenting(TestPki.Server.UNTRUSTED).context(), true);
    SpanData root = x.clientRoot;
    String alert = assertRejected(root, x, UNTRUSTED_CERTIFICATE_ALERTS);
    assertEquals("CN=untrusted.example", str(root, "tls.client.subject"));
    assertTrue(
        str(root, "handshake.diagnosis")
            .startsWith(
                "The server rejected this client's certificate CN=untrusted.example issued by"
                    + " CN=untrusted.example after this client's Finished: it sent "
                    + alert
                    + " ("),
        str(root, "handshake.diagnosis"));
    before.assertOneFailure();
  }

  @Test
  void socketClientAcceptedIsExportedAtTheServersFirstRecord() throws Exception {
    Counts before = new Counts(Set.of());
    Exchange x = socketExchange(TestPki.clientContext(true), false);
    assertTrue(x.clientOutcome.startsWith("OK"), x.toString());
    SpanData root = x.clientRoot;
    assertEquals(true, bool(root, "tls.established"), root.getAttributes().toString());
    assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode());
    assertEquals("requested", str(root, "handshake.client_auth"));
    // Released by the server's new_session_ticket, not by the end of the wait.
    assertTrue(
        x.rootAfterMillis < WAIT_MILLIS / 2,
        "the root came " + x.rootAfterMillis + " ms after the client read the server's record");
    // Ends at the client's Finished (inside startHandshake), not when the server's record came;
    // 5 ms for the two clocks the span and this test read.
    assertTrue(
        root.getEndEpochNanos() <= x.clientHandshakeDoneEpochNanos + 5_000_000,
        "ends at the Finished");
    before.assertOneSuccess();
  }

  // ------------------------------------------------------------------ SSLEngine

  @Test
  void engineClientWithoutCertificate() throws Exception {
    Counts before = new Counts(NO_CERTIFICATE_ALERTS);
    EngineExchange x = engineExchange(TestPki.clientContext(false), true);
    assertTrue(x.clientError.getMessage().contains("Received fatal alert"), x.toString());
    SpanData root = awaitClientRoot(WAIT_MILLIS * 2);
    String alert = assertRejected(root, null, NO_CERTIFICATE_ALERTS);
    assertEquals("SSLEngine", str(root, "handshake.api"));
    assertTrue(x.clientError.getMessage().endsWith(alert), x.clientError.getMessage());
    before.assertOneFailure();
  }

  @Test
  void engineClientWithUntrustedCertificate() throws Exception {
    Counts before = new Counts(UNTRUSTED_CERTIFICATE_ALERTS);
    EngineExchange x =
        engineExchange(TlsConfig.clientPresenting(TestPki.Server.UNTRUSTED).context(), true);
    SpanData root = awaitClientRoot(WAIT_MILLIS * 2);
    String alert = assertRejected(root, null, UNTRUSTED_CERTIFICATE_ALERTS);
    assertEquals("CN=untrusted.example", str(root, "tls.client.subject"));
    assertTrue(
        str(root, "handshake.diagnosis").startsWith("The server rejected this client's"),
        str(root, "handshake.diagnosis"));
    before.assertOneFailure();
  }

  @Test
  void engineClientAcceptedIsExportedAtTheServersFirstRecord() throws Exception {
    Counts before = new Counts(Set.of());
    engineExchange(TestPki.clientContext(true), true);
    SpanData root = awaitClientRoot(WAIT_MILLIS / 2);
    assertNotNull(root, "released by the server's new_session_ticket, before the wait ended");
    assertEquals(true, bool(root, "tls.established"), root.getAttributes().toString());
    assertEquals("SSLEngine", str(root, "handshake.api"));
    before.assertOneSuccess();
  }

  /** The server accepts, but sends nothing and never closes: a success once the wait is over. */
  @Test
  void engineClientWhoseServerStaysSilentIsASuccessAfterTheWait() throws Exception {
    Counts before = new Counts(Set.of());
    EngineExchange x = engineExchange(TestPki.clientContext(true), false);
    assertNull(x.clientError);
    assertNull(x.serverError);
    Thread.sleep(WAIT_MILLIS / 3);
    assertNull(clientRoot(), "held while the server's verdict may still come");
    assertEquals(1, agent.tracker.activeHandshakes(), "the held client counts as active, once");
    SpanData root = awaitClientRoot(WAIT_MILLIS * 2);
    assertNotNull(root, "exported after rejection.wait");
    long afterFinish = (System.nanoTime() - x.clientDoneNanos) / 1_000_000;
    assertTrue(afterFinish >= WAIT_MILLIS - 50, "came after the wait: " + afterFinish + " ms");
    assertEquals(true, bool(root, "tls.established"), root.getAttributes().toString());
    assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode());
    assertEquals(0, agent.tracker.activeHandshakes());
    before.assertOneSuccess();
    // The root ends at the client's Finished: the wait is not part of the handshake's duration.
    assertTrue(
        root.getEndEpochNanos() - root.getStartEpochNanos()
            < TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS),
        "duration " + (root.getEndEpochNanos() - root.getStartEpochNanos()) + " ns");
  }

  // ------------------------------------------------------------------ assertions

  /** The client root is one failed handshake: the alert the server sent after our Finished. */
  static String assertRejected(SpanData root, Exchange x, Set<String> alerts) {
    assertNotNull(root, "no client root exported");
    String context = root.getAttributes() + " " + root.getStatus() + " " + x;
    String alert = str(root, "error.type");
    assertTrue(alerts.contains(alert), "JDK " + JDK + ": " + context);
    Traces.assertRejectedAfterFinished(root, alert, context);
    assertEquals("error", str(root, "handshake.kept_because"), context);
    assertTrue(
        root.getStatus().getDescription().contains("Received fatal alert: " + alert), context);
    assertEquals(
        1,
        root.getEvents().stream().filter(e -> e.getName().equals("exception")).count(),
        "the exception the application saw, once");
    List<SpanData> spans = InProcessAgent.spans();
    List<SpanData> below = Traces.descendants(spans, root);
    List<String> names = below.stream().map(SpanData::getName).collect(Collectors.toList());
    assertTrue(names.contains("send finished"), names.toString());
    List<SpanData> alertSpans =
        below.stream().filter(s -> s.getName().endsWith(" alert")).collect(Collectors.toList());
    assertEquals(1, alertSpans.size(), "one receive alert span: " + names);
    SpanData alertSpan = alertSpans.get(0);
    assertEquals("receive alert", alertSpan.getName());
    assertEquals(alert, str(alertSpan, "error.type"));
    assertEquals(StatusCode.ERROR, alertSpan.getStatus().getStatusCode());
    assertNull(
        alertSpan.getAttributes().get(AttributeKey.booleanKey("handshake.post_handshake")),
        "part of the handshake, not a post-handshake message");
    assertEquals(root.getEndEpochNanos(), alertSpan.getEndEpochNanos(), "the root ends there");
    assertEquals(1, Traces.roots(spans, "client").size(), Traces.names(spans));
    System.out.println(
        "REJECTED JDK "
            + Runtime.version()
            + " "
            + str(root, "handshake.api")
            + ": "
            + alert
            + ": "
            + str(root, "handshake.diagnosis"));
    return alert;
  }

  // ------------------------------------------------------------------ metrics

  /** Client handshakes in {@code tls.handshake.duration} before a test, to compare after it. */
  static final class Counts {
    final Set<String> alerts;
    final long successes;
    final long failures;
    final long failuresWithAlert;

    Counts(Set<String> alerts) {
      this.alerts = alerts;
      successes = count(true, Set.of());
      failures = count(false, Set.of());
      failuresWithAlert = count(false, alerts);
    }

    void assertOneFailure() {
      assertEquals(successes, count(true, Set.of()), "no client success counted");
      assertEquals(failures + 1, count(false, Set.of()), "one client failure counted");
      assertEquals(failuresWithAlert + 1, count(false, alerts), "counted with its alert");
    }

    void assertOneSuccess() {
      assertEquals(successes + 1, count(true, Set.of()), "one client success counted");
      assertEquals(failures, count(false, Set.of()), "no client failure counted");
    }

    /** Successes, or failures (with one of {@code alerts} as error.type when not empty). */
    static long count(boolean success, Set<String> alerts) {
      List<MetricData> metrics = List.copyOf(InProcessAgent.metrics());
      return metrics.stream()
          .filter(m -> m.getName().equals("tls.handshake.duration"))
          .flatMap(m -> m.getHistogramData().getPoints().stream())
          .filter(p -> "client".equals(p.getAttributes().get(ROLE)))
          .filter(
              p -> {
                String error = p.getAttributes().get(ERROR);
                return success
                    ? error == null
                    : error != null && (alerts.isEmpty() || alerts.contains(error));
              })
          .mapToLong(HistogramPointData::getCount)
          .sum();
    }
  }

  // ------------------------------------------------------------------ spans

  static SpanData clientRoot() {
    List<SpanData> roots = Traces.roots(InProcessAgent.spans(), "client");
    assertTrue(roots.size() <= 1, roots.toString());
    return roots.isEmpty() ? null : roots.get(0);
  }

  static SpanData awaitClientRoot(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    SpanData root;
    while ((root = clientRoot()) == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return root;
  }

  // ------------------------------------------------------------------ SSLSocket exchange

  static final class Exchange {
    String serverError = "";
    String clientOutcome;
    SpanData clientRoot;
    long rootAfterMillis;
    long clientHandshakeDoneEpochNanos;

    @Override
    public String toString() {
      return "client: " + clientOutcome + "; server: " + serverError;
    }
  }

  /**
   * A TLS 1.3 server socket requiring a client certificate; the client handshakes, then reads (the
   * server's first record: a new_session_ticket, or the alert rejecting it). The server's TLS layer
   * sits on a TCP socket it does not close on failure (autoClose false), kept open until the client
   * closes: a server that closed at once could reset the connection before the client's Finished or
   * its read (the JDK checks a certificate as soon as it arrives, before the client's Finished).
   */
  static Exchange socketExchange(SSLContext clientContext, boolean rejected) throws Exception {
    InProcessAgent.reset();
    Exchange x = new Exchange();
    ExecutorService exec = Executors.newSingleThreadExecutor();
    SSLContext serverContext = TestPki.serverContext(TestPki.Server.RSA);
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Future<String> server =
          exec.submit(
              () -> {
                try (Socket tcp = ss.accept()) {
                  tcp.setSoTimeout(15_000);
                  String outcome = "";
                  SSLSocket s =
                      (SSLSocket) serverContext.getSocketFactory().createSocket(tcp, null, false);
                  s.setEnabledProtocols(new String[] {"TLSv1.3"});
                  s.setNeedClientAuth(true);
                  try {
                    s.startHandshake();
                    s.getOutputStream().write('s');
                    s.getOutputStream().flush();
                    s.getInputStream().read(); // until the client closes
                  } catch (IOException e) {
                    outcome = e.toString();
                    // The alert is out; read (and drop) what the client still sends until it
                    // closes, so the close cannot turn into a reset.
                    InputStream raw = tcp.getInputStream();
                    while (raw.read() >= 0) {
                      // discard
                    }
                  }
                  return outcome;
                }
              });
      try (SSLSocket c =
          (SSLSocket)
              clientContext.getSocketFactory().createSocket("localhost", ss.getLocalPort())) {
        c.setSoTimeout(15_000);
        c.startHandshake(); // TLS 1.3: succeeds here whatever the server thinks of us
        x.clientHandshakeDoneEpochNanos = epochNanos();
        long readNanos = System.nanoTime();
        InputStream in = c.getInputStream();
        if (rejected) {
          SSLException e = assertThrows(SSLException.class, in::read);
          x.clientOutcome = "FAIL " + e.getMessage();
        } else {
          assertEquals('s', in.read());
          x.clientOutcome = "OK";
        }
        x.clientRoot = awaitClientRoot(WAIT_MILLIS * 2);
        x.rootAfterMillis = (System.nanoTime() - readNanos) / 1_000_000;
      }
      x.serverError = server.get(20, TimeUnit.SECONDS);
    } finally {
      exec.shutdownNow();
    }
    return x;
  }

  static long epochNanos() {
    Instant now = Instant.now();
    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }

  // ------------------------------------------------------------------ SSLEngine exchange

  static final class EngineExchange {
    SSLException clientError;
    SSLException serverError;
    long clientDoneNanos;

    @Override
    public String toString() {
      return "client: " + clientError + "; server: " + serverError;
    }
  }

  /**
   * A TLS 1.3 engine pair in memory, the server requiring a client certificate. After the handshake
   * the server's records reach the client only with {@code deliver}.
   */
  static EngineExchange engineExchange(SSLContext clientContext, boolean deliver) throws Exception {
    InProcessAgent.reset();
    EngineExchange x = new EngineExchange();
    SSLEngine c = clientContext.createSSLEngine("localhost", 443);
    c.setUseClientMode(true);
    c.setEnabledProtocols(new String[] {"TLSv1.3"});
    SSLEngine s = TestPki.serverContext(TestPki.Server.RSA).createSSLEngine("127.0.0.1", 50_000);
    s.setUseClientMode(false);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.setNeedClientAuth(true);
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    ByteBuffer app = ByteBuffer.allocate(1 << 17);
    c.beginHandshake();
    s.beginHandshake();
    for (int i = 0; i < 200; i++) {
      boolean moved = step(c, toClient, toServer, app);
      if (x.serverError == null) {
        try {
          moved |= step(s, toServer, toClient, app);
        } catch (SSLException e) {
          x.serverError = e;
          s.wrap(ByteBuffer.allocate(0), toClient); // the alert, to the client
          moved = true;
        }
      }
      if (!moved) {
        break;
      }
    }
    assertEquals(
        SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING,
        c.getHandshakeStatus(),
        "TLS 1.3: the client finished whatever the server thinks of it");
    x.clientDoneNanos = System.nanoTime();
    if (deliver) {
      toClient.flip();
      try {
        c.unwrap(toClient, app); // the server's first record: new_session_ticket or alert
      } catch (SSLException e) {
        x.clientError = e;
      }
      toClient.compact();
    }
    return x;
  }

  /** Advances one engine as far as it goes; returns whether anything moved. */
  static boolean step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app)
      throws SSLException {
    boolean moved = false;
    for (int guard = 0; guard < 50; guard++) {
      SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
      switch (hs) {
        case NEED_TASK:
          Runnable task;
          while ((task = e.getDelegatedTask()) != null) {
            task.run();
          }
          moved = true;
          break;
        case NEED_WRAP:
          e.wrap(ByteBuffer.allocate(0), out);
          moved = true;
          break;
        case NEED_UNWRAP:
        case NEED_UNWRAP_AGAIN:
          in.flip();
          SSLEngineResult r = e.unwrap(in, app);
          in.compact();
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
              || (r.bytesConsumed() == 0 && r.getHandshakeStatus() == hs)) {
            return moved;
          }
          moved = true;
          break;
        default:
          return moved;
      }
    }
    return moved;
  }
}
