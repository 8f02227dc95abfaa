package dev.handshakeagent.agent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.Traces;
import dev.handshakeagent.bridge.ProviderBridge;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real BCJSSE handshakes (the provider object used explicitly: the JVM's provider list is left
 * alone) with the agent installed in this JVM: the same roots and phases SunJSSE handshakes get,
 * {@code handshake.provider} BCJSSE, failures with their alert and origin.
 */
class BcjsseHandshakeTest {

  private static final BouncyCastleJsseProvider BCJSSE =
      new BouncyCastleJsseProvider(new BouncyCastleProvider());
  private static AgentRuntime agent;
  private static ExecutorService pool;

  @BeforeAll
  static void install() {
    agent = InProcessAgent.install("");
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  @BeforeEach
  void reset() {
    InProcessAgent.reset();
  }

  @Test
  void tls13EnginePairTracedWithSendAndReceivePhases() throws Exception {
    SSLContext server = context(TestPki.keyStore(TestPki.Server.RSA), true);
    SSLContext client = context(null, true);
    String result = engines(server, client, "TLSv1.3", false);
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
    SSLContext server = context(TestPki.keyStore(TestPki.Server.EC), true);
    SSLContext client = context(TestPki.clientKeyStore(), true);
    List<String> results = sockets(server, client, "TLSv1.2", true, 2);
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
    SSLContext server = context(TestPki.keyStore(TestPki.Server.UNTRUSTED), true);
    SSLContext client = context(null, true);
    String result = engines(server, client, "TLSv1.3", false);
    assertTrue(result.startsWith("FAILED"), result);
    List<SpanData> spans = InProcessAgent.spans();
    SpanData c = root(spans, "TLS client handshake");
    SpanData s = root(spans, "TLS server handshake");
    assertEquals(StatusCode.ERROR, c.getStatus().getStatusCode());
    assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode());
    assertEquals("local", str(c, "handshake.alert.origin"));
    assertEquals("peer", str(s, "handshake.alert.origin"));
    assertEquals(str(c, "handshake.alert"), str(s, "handshake.alert"));
    assertNotNull(str(c, "handshake.alert"));
    assertNotNull(str(c, "handshake.failure_reason"));
    assertTrue(
        phases(spans, c).contains("validate certificate chain"), phases(spans, c).toString());
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  @Test
  void missingClientCertificateAndProtocolMismatchFail() throws Exception {
    SSLContext server = context(TestPki.keyStore(TestPki.Server.RSA), true);
    SSLContext client = context(null, true);
    String noCert = engines(server, client, "TLSv1.3", true);
    assertTrue(noCert.startsWith("FAILED"), noCert);
    List<SpanData> spans = InProcessAgent.spans();
    SpanData s = root(spans, "TLS server handshake");
    assertEquals("local", str(s, "handshake.alert.origin"));
    assertEquals("certificate_required", str(s, "handshake.alert"));
    assertEquals("required", str(s, "handshake.client_auth"));
    InProcessAgent.reset();

    String mismatch = mismatchedEngines(server, client);
    assertTrue(mismatch.startsWith("FAILED"), mismatch);
    spans = InProcessAgent.spans();
    SpanData ms = root(spans, "TLS server handshake");
    SpanData mc = root(spans, "TLS client handshake");
    assertEquals(StatusCode.ERROR, ms.getStatus().getStatusCode());
    assertEquals("protocol_version", str(ms, "handshake.alert"));
    assertEquals("local", str(ms, "handshake.alert.origin"));
    assertEquals("peer", str(mc, "handshake.alert.origin"));
    assertEquals(0, ProviderBridge.suppressedErrors());
  }

  // ---------------------------------------------------------------- helpers

  static SSLContext context(Path keyStore, boolean trustCa) throws Exception {
    KeyManagerFactory kmf = null;
    if (keyStore != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        ks.load(in, TestPki.PASSWORD);
      }
      kmf = KeyManagerFactory.getInstance("PKIX", BCJSSE);
      kmf.init(ks, TestPki.PASSWORD);
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(TestPki.trustStore())) {
      ts.load(in, TestPki.PASSWORD);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", BCJSSE);
    tmf.init(ts);
    SSLContext c = SSLContext.getInstance("TLS", BCJSSE);
    c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    return c;
  }

  /** An in-memory engine pair: {@code OK <protocol> <cipher>} or {@code FAILED <exception>}. */
  static String engines(SSLContext server, SSLContext client, String protocol, boolean needAuth) {
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    s.setNeedClientAuth(needAuth);
    SSLEngine c = client.createSSLEngine("localhost", 443);
    c.setUseClientMode(true);
    c.setEnabledProtocols(new String[] {protocol});
    return pump(c, s);
  }

  static String mismatchedEngines(SSLContext server, SSLContext client) {
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    SSLEngine c = client.createSSLEngine("localhost", 443);
    c.setUseClientMode(true);
    c.setEnabledProtocols(new String[] {"TLSv1.2"});
    return pump(c, s);
  }

  private static String pump(SSLEngine c, SSLEngine s) {
    int size = 1 << 17;
    ByteBuffer c2s = ByteBuffer.allocate(size);
    ByteBuffer s2c = ByteBuffer.allocate(size);
    ByteBuffer app = ByteBuffer.allocate(size);
    ByteBuffer empty = ByteBuffer.allocate(0);
    try {
      c.beginHandshake();
      s.beginHandshake();
      for (int i = 0; i < 200; i++) {
        c.wrap(empty, c2s);
        s.wrap(empty, s2c);
        c2s.flip();
        s.unwrap(c2s, app);
        c2s.compact();
        app.clear();
        s2c.flip();
        c.unwrap(s2c, app);
        s2c.compact();
        app.clear();
        runTasks(c);
        runTasks(s);
        if (done(c) && done(s)) {
          return "OK " + c.getSession().getProtocol() + " " + c.getSession().getCipherSuite();
        }
      }
      return "STUCK";
    } catch (Exception e) {
      // Let the peer read the alert the failing side wrote, as an application would.
      try {
        c.wrap(empty, c2s);
        s.wrap(empty, s2c);
        c2s.flip();
        s.unwrap(c2s, app);
        s2c.flip();
        c.unwrap(s2c, app);
      } catch (Exception ignored) {
        // the other side failed too
      }
      return "FAILED " + e;
    }
  }

  private static boolean done(SSLEngine e) {
    SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
    return h == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || h == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine e) {
    Runnable t;
    while ((t = e.getDelegatedTask()) != null) {
      t.run();
    }
  }

  /** {@code count} socket connections, one after the other, on one server socket. */
  private static List<String> sockets(
      SSLContext server, SSLContext client, String protocol, boolean needAuth, int count)
      throws Exception {
    List<String> out = new ArrayList<>();
    try (SSLServerSocket ss =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      ss.setNeedClientAuth(needAuth);
      Future<?> serving =
          pool.submit(
              () -> {
                for (int i = 0; i < count; i++) {
                  try (SSLSocket a = (SSLSocket) ss.accept()) {
                    a.getOutputStream().write(a.getInputStream().read());
                  }
                }
                return null;
              });
      for (int i = 0; i < count; i++) {
        try (SSLSocket s =
            (SSLSocket) client.getSocketFactory().createSocket("localhost", ss.getLocalPort())) {
          s.setEnabledProtocols(new String[] {protocol});
          OutputStream o = s.getOutputStream();
          o.write(7);
          o.flush();
          s.getInputStream().read();
          out.add("OK " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite());
        } catch (Exception e) {
          out.add("FAILED " + e);
        }
      }
      serving.get(20, TimeUnit.SECONDS);
    }
    return out;
  }

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
