package dev.handshakeagent.agent.reliability;

import static dev.handshakeagent.agent.reliability.Reliability.bool;
import static dev.handshakeagent.agent.reliability.Reliability.num;
import static dev.handshakeagent.agent.reliability.Reliability.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsConfig;
import dev.handshakeagent.agent.testing.TlsRun;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Load: 16 client threads run full and resumed SSLSocket handshakes (TLS 1.3 and 1.2), SSLEngine
 * pairs, and failing handshakes of both APIs, against SSLServerSocket services with the agent on
 * both sides, in three rounds of about 10 s. Every handshake is exported exactly once per side with
 * the outcome the application saw, none is left open, the agent's per-handshake state is empty
 * after GC, no error is swallowed, and the heap after a round is flat.
 */
class LoadTest {
  static final int THREADS = 16;
  static final int ROUNDS = 3;
  static final long ROUND_MILLIS = Long.getLong("reliability.load.roundMillis", 10_000);

  /** Upper bound per thread and round, so a fast machine does not run forever either. */
  static final int MAX_ITERATIONS = 200;

  /** What one iteration of a client thread does. */
  enum Kind {
    FULL13_SOCKET(1),
    RESUMED13_SOCKET(2),
    FULL12_SOCKET(1),
    RESUMED12_SOCKET(2),
    ENGINE13(1),
    ENGINE12(1),
    FAIL_PROTOCOL_SOCKET(1),
    FAIL_UNTRUSTED_ENGINE(1);

    /** Handshakes per side. */
    final int handshakes;

    Kind(int handshakes) {
      this.handshakes = handshakes;
    }
  }

  private static final AtomicInteger ENGINE_LABEL = new AtomicInteger(20_000);

  private TrustManager[] trust;
  private TlsConfig engineServer13;
  private TlsConfig engineServer12;
  private TlsConfig engineUntrusted;
  private ExecutorService delegated;

  /** What the application saw in one round. */
  static final class Tally {
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

    void inc(String key, long n) {
      counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    long get(String key) {
      AtomicLong v = counts.get(key);
      return v == null ? 0 : v.get();
    }
  }

  @Test
  void everyHandshakeExportedOncePerSideUnderLoad() throws Exception {
    AgentRuntime agent = Reliability.agent("abandon.timeout=30s");
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    KeyStore ts = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(TestPki.trustStore())) {
      ts.load(in, TestPki.PASSWORD);
    }
    tmf.init(ts);
    trust = tmf.getTrustManagers();
    engineServer13 = TlsConfig.server(TestPki.Server.EC).protocols("TLSv1.3");
    engineServer12 = TlsConfig.server(TestPki.Server.EC).protocols("TLSv1.2");
    engineUntrusted = TlsConfig.server(TestPki.Server.UNTRUSTED);
    delegated = Executors.newFixedThreadPool(4);
    InProcessAgent.reset();

    List<String> rounds = new ArrayList<>();
    List<Long> heaps = new ArrayList<>();
    long total = 0;
    long totalMillis = 0;
    try (TlsTestServer server13 =
            new TlsTestServer(
                TestPki.serverContext(TestPki.Server.RSA),
                new String[] {"TLSv1.3"},
                false,
                8,
                20_000);
        TlsTestServer server12 =
            new TlsTestServer(
                TestPki.serverContext(TestPki.Server.RSA),
                new String[] {"TLSv1.2"},
                false,
                8,
                20_000)) {
      for (int round = 0; round < ROUNDS; round++) {
        Tally tally = new Tally();
        int accepted13 = server13.accepted();
        int accepted12 = server12.accepted();
        int seen13 = server13.seen().size();
        int seen12 = server12.seen().size();
        long start = System.nanoTime();
        runRound(tally, server13.port(), server12.port());
        long millis = (System.nanoTime() - start) / 1_000_000;
        int socketServer = server13.accepted() - accepted13 + server12.accepted() - accepted12;
        assertTrue(server13.awaitIdle(0, 30_000) && server12.awaitIdle(0, 30_000));
        List<TlsTestServer.Seen> serverSeen = new ArrayList<>();
        serverSeen.addAll(server13.seen().subList(seen13, server13.seen().size()));
        serverSeen.addAll(server12.seen().subList(seen12, server12.seen().size()));

        List<SpanData> spans = InProcessAgent.spans();
        long handshakes = checkRound(tally, spans, serverSeen, socketServer);
        total += handshakes;
        totalMillis += millis;
        InProcessAgent.reset();
        spans = null;
        Reliability.assertQuiet(agent, 10_000);
        System.gc();
        Thread.sleep(200);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
        heaps.add(heap);
        rounds.add(
            handshakes
                + " handshakes per side in "
                + millis
                + " ms ("
                + (handshakes * 1000 / Math.max(1, millis))
                + "/s), "
                + new TreeMap<>(
                    tally.counts.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))));
      }
    } finally {
      delegated.shutdownNow();
    }
    Reliability.report(
        "load: "
            + THREADS
            + " threads, "
            + total
            + " handshakes per side in "
            + totalMillis
            + " ms; heap after GC per round (MB) "
            + heaps
            + "; rounds: "
            + rounds);
    assertTrue(total >= 300, "too few handshakes: " + total);
    assertTrue(
        heaps.get(heaps.size() - 1) <= heaps.get(0) + 64,
        "heap after GC grows across rounds: " + heaps + " MB");
  }

  private void runRound(Tally tally, int port13, int port12) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    long deadline = System.currentTimeMillis() + ROUND_MILLIS;
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      running.add(
          clients.submit(
              () -> {
                for (int i = 0; i < MAX_ITERATIONS && System.currentTimeMillis() < deadline; i++) {
                  Kind k = Kind.values()[(thread + i) % Kind.values().length];
                  try {
                    iteration(k, tally, port13, port12);
                  } catch (Exception e) {
                    tally.unexpected.add(k + ": " + e);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get(ROUND_MILLIS + 120_000, TimeUnit.MILLISECONDS);
    }
    clients.shutdown();
    assertEquals(List.of(), tally.unexpected, "unexpected outcomes in the application");
  }

  private void iteration(Kind k, Tally tally, int port13, int port12) throws Exception {
    tally.inc(k.name(), 1);
    switch (k) {
      case FULL13_SOCKET:
        socket(freshClient(), port13, null, tally, true);
        break;
      case FULL12_SOCKET:
        socket(freshClient(), port12, null, tally, true);
        break;
      case RESUMED13_SOCKET:
      case RESUMED12_SOCKET:
        {
          SSLContext shared = freshClient();
          int port = k == Kind.RESUMED13_SOCKET ? port13 : port12;
          socket(shared, port, null, tally, true);
          socket(shared, port, null, tally, true);
          tally.inc("resumed", 1);
          break;
        }
      case FAIL_PROTOCOL_SOCKET:
        socket(freshClient(), port13, new String[] {"TLSv1.2"}, tally, false);
        break;
      case ENGINE13:
      case ENGINE12:
      case FAIL_UNTRUSTED_ENGINE:
        {
          TlsConfig server =
              k == Kind.ENGINE13
                  ? engineServer13
                  : k == Kind.ENGINE12 ? engineServer12 : engineUntrusted;
          int label = ENGINE_LABEL.incrementAndGet();
          TlsRun.Result r =
              TlsRun.engines(server, TlsConfig.client(freshClient()), label, delegated);
          boolean expectOk = k != Kind.FAIL_UNTRUSTED_ENGINE;
          if (r.client.startsWith("OK") != expectOk || r.server.startsWith("OK") != expectOk) {
            tally.unexpected.add(k + " " + r);
          }
          tally.inc("engine", 1);
          tally.inc(expectOk ? "client ok" : "client failed", 1);
          tally.inc(expectOk ? "engine server ok" : "engine server failed", 1);
          break;
        }
      default:
        throw new IllegalStateException(k.name());
    }
  }

  /** A client context of its own: its first handshake is always a full one. */
  private SSLContext freshClient() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, trust, null);
    return ctx;
  }

  private static void socket(
      SSLContext ctx, int port, String[] protocols, Tally tally, boolean expectOk)
      throws IOException {
    try (SSLSocket c =
        (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      c.setSoTimeout(20_000);
      SSLParameters p = c.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName("localhost")));
      if (protocols != null) {
        p.setProtocols(protocols);
      }
      c.setSSLParameters(p);
      boolean ok;
      try {
        c.startHandshake();
        c.getOutputStream().write('c');
        c.getOutputStream().flush();
        ok = c.getInputStream().read() == 's'; // also consumes a TLS 1.3 session ticket
      } catch (IOException e) {
        ok = false;
      }
      if (ok != expectOk) {
        tally.unexpected.add("socket to " + port + " ok=" + ok);
      }
      tally.inc(ok ? "client ok" : "client failed", 1);
      tally.inc("socket", 1);
    }
  }

  /**
   * Compares the exported roots of one round with what the application saw. Returns the number of
   * handshakes per side.
   */
  private static long checkRound(
      Tally tally, List<SpanData> spans, List<TlsTestServer.Seen> serverSeen, int accepted) {
    long engines = tally.get("engine");
    long sockets = tally.get("socket");
    long handshakes = engines + sockets;
    List<SpanData> clients = Reliability.roots(spans, "client");
    List<SpanData> servers = Reliability.roots(spans, "server");
    String summary = "application: " + tally.counts + "; exported: " + histogram(spans);
    assertEquals(sockets, accepted, "connections the servers accepted; " + summary);
    assertEquals(handshakes, clients.size(), "client roots; " + summary);
    assertEquals(handshakes, servers.size(), "server roots; " + summary);
    assertEquals(
        tally.get("client ok"), count(clients, true), "successful client roots; " + summary);
    long serverOk =
        serverSeen.stream().filter(s -> s.ok).count()
            + tally.get("engine")
            - tally.get("FAIL_UNTRUSTED_ENGINE");
    assertEquals(serverOk, count(servers, true), "successful server roots; " + summary);
    assertEquals(
        tally.get("resumed"),
        clients.stream().filter(s -> Boolean.TRUE.equals(bool(s, "tls.resumed"))).count(),
        "resumed client roots; " + summary);
    assertEquals(
        tally.get("resumed"),
        servers.stream().filter(s -> Boolean.TRUE.equals(bool(s, "tls.resumed"))).count(),
        "resumed server roots; " + summary);
    // Every SSLEngine pair is one client and one server root with its label port.
    Map<Long, List<SpanData>> engineClients =
        Reliability.groupBy(
            clients.stream()
                .filter(s -> "SSLEngine".equals(str(s, "handshake.api")))
                .collect(Collectors.toList()),
            s -> num(s, "server.port"));
    Map<Long, List<SpanData>> engineServers =
        Reliability.groupBy(
            servers.stream()
                .filter(s -> "SSLEngine".equals(str(s, "handshake.api")))
                .collect(Collectors.toList()),
            s -> num(s, "client.port"));
    assertEquals(engines, engineClients.size(), "distinct engine client roots; " + summary);
    assertEquals(engines, engineServers.size(), "distinct engine server roots; " + summary);
    assertEquals(engineClients.keySet(), engineServers.keySet());
    assertTrue(engineClients.values().stream().allMatch(l -> l.size() == 1));
    // Every accepted socket is one server root with the client's port.
    Map<Long, Long> socketPorts =
        serverSeen.stream()
            .collect(Collectors.groupingBy(s -> (long) s.clientPort, Collectors.counting()));
    Map<Long, Long> rootPorts =
        servers.stream()
            .filter(s -> "SSLSocket".equals(str(s, "handshake.api")))
            .collect(Collectors.groupingBy(s -> num(s, "client.port"), Collectors.counting()));
    assertEquals(socketPorts, rootPorts, "server roots by client port");
    // Nothing was abandoned: every handshake ended by itself.
    assertEquals(
        0, spans.stream().filter(s -> "abandoned".equals(str(s, "error.type"))).count(), summary);
    return handshakes;
  }

  private static long count(List<SpanData> roots, boolean established) {
    return roots.stream()
        .filter(s -> established == Boolean.TRUE.equals(bool(s, "tls.established")))
        .count();
  }

  private static Map<String, Integer> histogram(List<SpanData> spans) {
    return Reliability.histogram(
        Reliability.roots(spans, "client").stream()
            .map(
                s ->
                    "client "
                        + str(s, "handshake.api")
                        + " "
                        + str(s, "error.type")
                        + " resumed="
                        + bool(s, "tls.resumed"))
            .collect(Collectors.toList()));
  }
}
