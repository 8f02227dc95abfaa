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
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken peers with the agent installed. Clients against one SSLServerSocket service
 * (an accept thread and a handler pool): raw garbage, plaintext HTTP, truncated and fuzzed
 * client_hello records, peers that close or reset at each step of the server's first flight, and
 * peers that stall. Servers against a JDK client: closing, resetting, garbage, HTTP, an alert, a
 * truncated or replayed server flight, stalling. The service keeps serving, every connection ends
 * as exactly one failed (or, for a stall, abandoned) root whose status is the exception the
 * application saw, and the agent's state is empty afterwards.
 */
class HostilePeersTest {
  /** Hostile connections per run (time-bounded by {@link #BUDGET_MILLIS}). */
  static final int ATTEMPTS = 2000;

  static final int FUZZ_ITERATIONS = 500;
  static final int STALLS = 10;
  static final long BUDGET_MILLIS = 60_000;
  static final long SEED = 0x5EED_7153L;
  static final int ABANDON_MILLIS = 1500;

  /**
   * How long a stalling peer stays silent: past the abandon timeout plus the sweeper's 1 s period,
   * with margin for a busy agent thread.
   */
  static final int STALL_MILLIS = ABANDON_MILLIS + 2500;

  private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: (\\w+)");

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** What a hostile client does. Every one of them must make the server's handshake fail. */
  enum Attack {
    CONNECT_THEN_CLOSE,
    CONNECT_THEN_RESET,
    RANDOM_GARBAGE,
    GARBAGE_IN_HANDSHAKE_RECORD,
    PLAINTEXT_HTTP,
    TRUNCATED_HELLO_13,
    TRUNCATED_HELLO_12,
    HELLO_THEN_CLOSE,
    HELLO_THEN_RESET,
    HELLO_READ_SOME_THEN_CLOSE,
    HELLO_12_READ_FLIGHT_THEN_RESET,
    HELLO_12_READ_FLIGHT_THEN_GARBAGE,
    HELLO_13_READ_HELLO_THEN_ALERT,
    HELLO_13_READ_FLIGHT_THEN_CLOSE
  }

  /** One hostile connection: the client port that names it in the server root, and what it did. */
  static final class Attempt {
    final int port;
    final String kind;
    final long endNanos = System.nanoTime();

    Attempt(int port, String kind) {
      this.port = port;
      this.kind = kind;
    }
  }

  @Test
  void thousandsOfHostileConnectionsEachEndAsOneFailedRoot() throws Exception {
    AgentRuntime agent = Reliability.agent("abandon.timeout=" + ABANDON_MILLIS + "ms");
    byte[] hello13 = TlsRun.clientHelloBytes(TlsConfig.client(false));
    byte[] hello12 = TlsRun.clientHelloBytes(TlsConfig.client(false).protocols("TLSv1.2"));
    InProcessAgent.reset(); // the engines that made the hello bytes were abandoned on purpose

    List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    List<Attempt> stalls = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + BUDGET_MILLIS;
    int normalPort;
    List<TlsTestServer.Seen> seen;
    try (TlsTestServer server =
        new TlsTestServer(TestPki.serverContext(TestPki.Server.RSA), null, false, 16, 10_000)) {
      ExecutorService stallers = Executors.newFixedThreadPool(5);
      List<Future<?>> stalling = new ArrayList<>();
      for (int i = 0; i < STALLS; i++) {
        int n = i;
        stalling.add(
            stallers.submit(
                () -> {
                  stalls.add(new Attempt(stall(server.port(), hello13, n, STALL_MILLIS), "STALL"));
                  return null;
                }));
      }
      ExecutorService attackers = Executors.newFixedThreadPool(4);
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        running.add(
            attackers.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < ATTEMPTS
                      && System.currentTimeMillis() < deadline) {
                    Attack a = Attack.values()[i % Attack.values().length];
                    Random rnd = new Random(SEED + i);
                    attempts.add(
                        new Attempt(attack(a, server.port(), rnd, hello13, hello12), a.name()));
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get(BUDGET_MILLIS + 60_000, TimeUnit.MILLISECONDS);
      }
      for (Future<?> f : stalling) {
        f.get(60, TimeUnit.SECONDS);
      }
      attackers.shutdown();
      stallers.shutdown();
      int hostile = attempts.size() + stalls.size();
      assertTrue(server.awaitIdle(hostile, 30_000), "the server did not handle every connection");
      assertEquals(hostile, server.accepted(), "connections the server accepted");

      normalPort = normalClient(server.port());
      assertTrue(server.awaitIdle(hostile + 1, 15_000));
      seen = server.seen();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;

    List<SpanData> spans = InProcessAgent.spans();
    long gcMillis = Reliability.assertQuiet(agent, 5_000);
    List<SpanData> servers = Reliability.roots(spans, "server");
    List<SpanData> clients = Reliability.roots(spans, "client");

    // The service kept serving: the normal client at the end succeeded, on both sides.
    assertEquals(1, clients.size(), "only the normal client is a TLS client");
    assertEquals(true, bool(clients.get(0), "tls.established"));
    List<Attempt> all = new ArrayList<>(attempts);
    all.addAll(stalls);
    all.add(new Attempt(normalPort, "NORMAL"));
    Map<String, Integer> outcomes = assertOneRootPerConnection(servers, all, seen);
    assertTrue(attempts.size() >= 500, "too few attempts in the time budget: " + attempts.size());

    Reliability.report(
        "hostile: "
            + attempts.size()
            + " hostile + "
            + stalls.size()
            + " stalled connections + 1 normal in "
            + millis
            + " ms; "
            + servers.size()
            + " server roots; GC to empty tracker "
            + gcMillis
            + " ms; error.type by attack: "
            + outcomes);
  }

  @Test
  void fuzzedClientHellosEachEndAsOneFailedRoot() throws Exception {
    AgentRuntime agent = Reliability.agent("abandon.timeout=" + ABANDON_MILLIS + "ms");
    byte[][] bases = {
      TlsRun.clientHelloBytes(TlsConfig.client(false)),
      TlsRun.clientHelloBytes(TlsConfig.client(false).protocols("TLSv1.2"))
    };
    InProcessAgent.reset();
    List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    int normalPort;
    List<TlsTestServer.Seen> seen;
    try (TlsTestServer server =
        new TlsTestServer(TestPki.serverContext(TestPki.Server.RSA), null, false, 8, 10_000)) {
      ExecutorService fuzzers = Executors.newFixedThreadPool(2);
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        running.add(
            fuzzers.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < FUZZ_ITERATIONS) {
                    Random rnd = new Random(SEED * 31 + i);
                    byte[] mutated = mutate(bases[i % 2], rnd);
                    attempts.add(new Attempt(sendAndDrain(server.port(), mutated), "FUZZ"));
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
      fuzzers.shutdown();
      assertTrue(server.awaitIdle(attempts.size(), 30_000));
      normalPort = normalClient(server.port());
      assertTrue(server.awaitIdle(attempts.size() + 1, 15_000));
      seen = server.seen();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<SpanData> spans = InProcessAgent.spans();
    Reliability.assertQuiet(agent, 5_000);
    assertEquals(FUZZ_ITERATIONS, attempts.size());
    List<Attempt> all = new ArrayList<>(attempts);
    all.add(new Attempt(normalPort, "NORMAL"));
    Map<String, Integer> outcomes =
        assertOneRootPerConnection(Reliability.roots(spans, "server"), all, seen);
    assertEquals(1, Reliability.roots(spans, "client").size());
    Map<String, String> samples = new TreeMap<>();
    for (SpanData root : Reliability.roots(spans, "server")) {
      if (str(root, "error.type") != null) {
        samples.putIfAbsent(str(root, "error.type"), root.getStatus().getDescription());
      }
    }
    Reliability.report(
        "fuzz: "
            + FUZZ_ITERATIONS
            + " mutated client_hello records (seed "
            + Long.toHexString(SEED)
            + ") in "
            + millis
            + " ms; error.type: "
            + outcomes
            + "; a status of each: "
            + samples);
  }

  /** What a hostile server does after reading the client's first bytes. */
  enum ServerAttack {
    CLOSE,
    RESET,
    RANDOM_GARBAGE,
    PLAINTEXT_HTTP_RESPONSE,
    FATAL_ALERT,
    TRUNCATED_SERVER_FLIGHT,
    REPLAYED_SERVER_FLIGHT,
    STALL
  }

  @Test
  void hostileServersEachEndAsOneFailedClientRoot() throws Exception {
    AgentRuntime agent = Reliability.agent("abandon.timeout=" + ABANDON_MILLIS + "ms");
    // A real server flight (server_hello ... finished) answering a real client_hello, to replay.
    byte[] flight;
    try (TlsTestServer real =
            new TlsTestServer(TestPki.serverContext(TestPki.Server.RSA), null, false, 1, 10_000);
        Socket s = connect(real.port())) {
      s.getOutputStream().write(TlsRun.clientHelloBytes(TlsConfig.client(false)));
      ByteArrayOutputStream f = new ByteArrayOutputStream();
      for (int i = 0; i < 3; i++) {
        byte[] r = readRecord(s.getInputStream());
        f.write(new byte[] {r[0], 3, 3, (byte) ((r.length - 1) >> 8), (byte) (r.length - 1)});
        f.write(r, 1, r.length - 1);
      }
      flight = f.toByteArray();
    }
    InProcessAgent.reset();
    List<ServerAttack> plan = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      for (ServerAttack a : ServerAttack.values()) {
        if (a != ServerAttack.STALL || i < 1) {
          plan.add(a);
        }
      }
    }
    List<String> seen = new ArrayList<>();
    long start = System.nanoTime();
    ExecutorService serverThread = Executors.newSingleThreadExecutor();
    try (ServerSocket raw = new ServerSocket(0, 50, LOOPBACK)) {
      Random rnd = new Random(SEED);
      for (ServerAttack a : plan) {
        Future<?> server =
            serverThread.submit(
                () -> {
                  try (Socket s = raw.accept()) {
                    s.setSoTimeout(10_000);
                    readRecord(s.getInputStream()); // the client_hello
                    OutputStream out = s.getOutputStream();
                    switch (a) {
                      case RESET:
                        s.setSoLinger(true, 0);
                        break;
                      case RANDOM_GARBAGE:
                        out.write(randomBytes(rnd, 1 + rnd.nextInt(1000)));
                        break;
                      case PLAINTEXT_HTTP_RESPONSE:
                        out.write(
                            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        break;
                      case FATAL_ALERT:
                        out.write(new byte[] {21, 3, 3, 0, 2, 2, 40});
                        break;
                      case TRUNCATED_SERVER_FLIGHT:
                        out.write(flight, 0, 1 + rnd.nextInt(flight.length - 1));
                        break;
                      case REPLAYED_SERVER_FLIGHT:
                        out.write(flight);
                        break;
                      case STALL:
                        Thread.sleep(STALL_MILLIS);
                        break;
                      default:
                        break;
                    }
                    out.flush();
                    s.shutdownOutput();
                  } catch (IOException e) {
                    // the client gave up first
                  }
                  return null;
                });
        try (SSLSocket c =
            (SSLSocket)
                TestPki.clientContext(false)
                    .getSocketFactory()
                    .createSocket("localhost", raw.getLocalPort())) {
          c.setSoTimeout(10_000);
          c.startHandshake();
          seen.add("OK");
        } catch (IOException e) {
          seen.add(e.getMessage());
        }
        server.get(30, TimeUnit.SECONDS);
      }
    } finally {
      serverThread.shutdownNow();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<SpanData> spans = InProcessAgent.spans();
    Reliability.assertQuiet(agent, 5_000);
    assertEquals(0, Reliability.roots(spans, "server").size());
    List<SpanData> clients = new ArrayList<>(Reliability.roots(spans, "client"));
    clients.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    assertEquals(plan.size(), clients.size(), "one client root per connection");
    List<String> problems = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      SpanData root = clients.get(i);
      String errorType = str(root, "error.type");
      outcomes.add(plan.get(i) + "=" + errorType);
      if (!Boolean.FALSE.equals(bool(root, "tls.established")) || errorType == null) {
        problems.add(plan.get(i) + " not a failed root: " + root.getAttributes());
      } else if (plan.get(i) == ServerAttack.STALL) {
        if (!"abandoned".equals(errorType)) {
          problems.add("stalled server, client root not abandoned: " + root.getAttributes());
        }
      } else if (!Reliability.sameAsApplication(root.getStatus().getDescription(), seen.get(i))) {
        problems.add(
            plan.get(i)
                + ": root status "
                + root.getStatus()
                + " but the application saw "
                + seen.get(i));
      } else if (plan.get(i) == ServerAttack.FATAL_ALERT
          && (!"handshake_failure".equals(errorType)
              || !"peer".equals(str(root, "handshake.alert.origin")))) {
        problems.add("the server's alert not reported as the peer's: " + root.getAttributes());
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    Reliability.report(
        "hostile servers: "
            + plan.size()
            + " connections of a JDK client in "
            + millis
            + " ms; error.type: "
            + Reliability.histogram(outcomes));
  }

  /**
   * Every connection the server saw has exactly one server root (matched by the client port, which
   * the root carries as {@code client.port}); hostile ones failed with the application's own
   * exception message as status, stalled ones were abandoned, the normal one succeeded. Returns the
   * error types seen per kind of connection.
   */
  static Map<String, Integer> assertOneRootPerConnection(
      List<SpanData> servers, List<Attempt> attempts, List<TlsTestServer.Seen> seen) {
    assertEquals(
        attempts.size(),
        servers.size(),
        "server roots vs connections; error types: "
            + Reliability.histogram(
                servers.stream()
                    .map(s -> String.valueOf(str(s, "error.type")))
                    .collect(Collectors.toList())));
    Map<Long, List<SpanData>> byPort =
        Reliability.groupBy(
            servers, s -> num(s, "client.port") == null ? -1 : num(s, "client.port"));
    Map<Long, List<Attempt>> attemptsByPort = new TreeMap<>();
    List<Attempt> ordered = new ArrayList<>(attempts);
    ordered.sort(Comparator.comparingLong(a -> a.endNanos));
    for (Attempt a : ordered) {
      attemptsByPort.computeIfAbsent((long) a.port, k -> new ArrayList<>()).add(a);
    }
    Map<Long, List<String>> appByPort = new TreeMap<>();
    for (TlsTestServer.Seen s : seen) {
      appByPort.computeIfAbsent((long) s.clientPort, k -> new ArrayList<>()).add(s.message);
    }
    assertEquals(attemptsByPort.keySet(), byPort.keySet(), "client ports of the server roots");
    List<String> outcomes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Long, List<Attempt>> e : attemptsByPort.entrySet()) {
      List<SpanData> roots = new ArrayList<>(byPort.get(e.getKey()));
      roots.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
      if (roots.size() != e.getValue().size()) {
        problems.add("port " + e.getKey() + ": " + roots.size() + " roots for " + e.getValue());
        continue;
      }
      List<String> statusMessages = new ArrayList<>();
      boolean anyAbandoned = false;
      for (int i = 0; i < roots.size(); i++) {
        SpanData root = roots.get(i);
        String kind = e.getValue().get(i).kind; // same kind on a reused port in practice
        String errorType = str(root, "error.type");
        outcomes.add(kind + "=" + errorType);
        if (kind.equals("NORMAL")) {
          if (!Boolean.TRUE.equals(bool(root, "tls.established"))) {
            problems.add("normal client's server root failed: " + root.getAttributes());
          }
          continue;
        }
        if (!Boolean.FALSE.equals(bool(root, "tls.established"))
            || root.getStatus().getStatusCode() != StatusCode.ERROR
            || errorType == null
            || bool(root, "tls.resumed") != null) {
          problems.add(kind + " not a failed root: " + root.getAttributes() + root.getStatus());
        }
        if (kind.equals("STALL")) {
          if (!"abandoned".equals(errorType)
              || !("no handshake progress for " + ABANDON_MILLIS + " ms")
                  .equals(str(root, "handshake.abandon_reason"))) {
            problems.add("stalled connection not abandoned: " + root.getAttributes());
          }
        }
        if ("abandoned".equals(errorType)) {
          anyAbandoned = true;
        } else {
          statusMessages.add(root.getStatus().getDescription());
        }
      }
      // The root's status is the exception the server application saw (abandoned roots end
      // before the application's exception, and say why instead).
      List<String> app = new ArrayList<>(appByPort.getOrDefault(e.getKey(), List.of()));
      app.removeIf(m -> m != null && m.startsWith("TLSv"));
      if (!anyAbandoned) {
        Collections.sort(statusMessages);
        Collections.sort(app);
        if (!statusMessages.equals(app)) {
          problems.add(
              "port "
                  + e.getKey()
                  + " "
                  + e.getValue().get(0).kind
                  + ": root status "
                  + statusMessages
                  + " but the application saw "
                  + app);
        }
        // An alert the client sent is reported as the peer's, under its own name.
        for (SpanData root : roots) {
          Matcher m = RECEIVED_ALERT.matcher(String.valueOf(root.getStatus().getDescription()));
          if (m.find()
              && (!m.group(1).equals(str(root, "error.type"))
                  || !"peer".equals(str(root, "handshake.alert.origin")))) {
            problems.add("received alert misreported: " + root.getAttributes());
          }
        }
      }
    }
    assertTrue(
        problems.isEmpty(),
        problems.size()
            + " problems, first ones:\n"
            + problems.stream().limit(20).collect(Collectors.joining("\n")));
    return Reliability.histogram(outcomes);
  }

  // ------------------------------------------------------------------ clients

  /** A well-behaved TLS 1.3 client: handshake, one byte each way. Returns its local port. */
  static int normalClient(int port) throws IOException {
    try (SSLSocket c =
        (SSLSocket) TestPki.clientContext(false).getSocketFactory().createSocket(LOOPBACK, port)) {
      c.setSoTimeout(10_000);
      c.startHandshake();
      c.getOutputStream().write('c');
      c.getOutputStream().flush();
      assertEquals('s', c.getInputStream().read());
      return c.getLocalPort();
    }
  }

  static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(LOOPBACK, port), 10_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Runs one attack; returns the client port. */
  static int attack(Attack a, int port, Random rnd, byte[] hello13, byte[] hello12)
      throws IOException {
    Socket s = connect(port);
    int local = s.getLocalPort();
    boolean reset = false;
    try {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      switch (a) {
        case CONNECT_THEN_CLOSE:
          break;
        case CONNECT_THEN_RESET:
          reset = true;
          break;
        case RANDOM_GARBAGE:
          out.write(randomBytes(rnd, 1 + rnd.nextInt(1500)));
          break;
        case GARBAGE_IN_HANDSHAKE_RECORD:
          {
            byte[] body = randomBytes(rnd, 1 + rnd.nextInt(600));
            out.write(new byte[] {22, 3, 1, (byte) (body.length >> 8), (byte) body.length});
            out.write(body);
            break;
          }
        case PLAINTEXT_HTTP:
          out.write(
              "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          break;
        case TRUNCATED_HELLO_13:
          out.write(hello13, 0, 1 + rnd.nextInt(hello13.length - 1));
          break;
        case TRUNCATED_HELLO_12:
          out.write(hello12, 0, 1 + rnd.nextInt(hello12.length - 1));
          break;
        case HELLO_THEN_CLOSE:
          out.write(hello13);
          break;
        case HELLO_THEN_RESET:
          out.write(hello13);
          reset = true;
          break;
        case HELLO_READ_SOME_THEN_CLOSE:
          out.write(hello13);
          in.read(new byte[1 + rnd.nextInt(200)]);
          break;
        case HELLO_12_READ_FLIGHT_THEN_RESET:
          out.write(hello12);
          readTls12Flight(in);
          reset = true;
          break;
        case HELLO_12_READ_FLIGHT_THEN_GARBAGE:
          {
            out.write(hello12);
            readTls12Flight(in);
            // A client_key_exchange of random bytes.
            byte[] body = randomBytes(rnd, 1 + rnd.nextInt(300));
            ByteArrayOutputStream rec = new ByteArrayOutputStream();
            rec.write(
                new byte[] {22, 3, 3, (byte) ((body.length + 4) >> 8), (byte) (body.length + 4)});
            rec.write(new byte[] {16, 0, (byte) (body.length >> 8), (byte) body.length});
            rec.write(body);
            out.write(rec.toByteArray());
            s.shutdownOutput();
            drain(in);
            break;
          }
        case HELLO_13_READ_HELLO_THEN_ALERT:
          out.write(hello13);
          readRecord(in);
          out.write(new byte[] {21, 3, 3, 0, 2, 2, 40}); // fatal handshake_failure
          s.shutdownOutput();
          drain(in);
          break;
        case HELLO_13_READ_FLIGHT_THEN_CLOSE:
          out.write(hello13);
          // server_hello, change_cipher_spec, then encrypted records up to its finished.
          for (int i = 0; i < 3; i++) {
            readRecord(in);
          }
          break;
        default:
          throw new IllegalStateException(a.name());
      }
      out.flush();
    } catch (IOException e) {
      // the server may already have closed: the attack is over either way
    } finally {
      if (reset) {
        s.setSoLinger(true, 0);
      }
      s.close();
    }
    return local;
  }

  /** Half a client_hello, then silence for {@code millis}, then close. Returns the client port. */
  static int stall(int port, byte[] hello, int n, long millis) throws Exception {
    try (Socket s = connect(port)) {
      s.getOutputStream().write(hello, 0, hello.length / 2 + n);
      s.getOutputStream().flush();
      Thread.sleep(millis);
      return s.getLocalPort();
    }
  }

  /** Sends {@code bytes}, half-closes, reads until the server closes. Returns the client port. */
  static int sendAndDrain(int port, byte[] bytes) throws IOException {
    try (Socket s = connect(port)) {
      int local = s.getLocalPort();
      try {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        s.shutdownOutput();
        drain(s.getInputStream());
      } catch (IOException e) {
        // reset by the server: fine
      }
      return local;
    }
  }

  static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // discard
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("the server neither answered nor closed in 10 s", e);
    }
  }

  /** One TLS record: {type, payload...}; throws at EOF. */
  static byte[] readRecord(InputStream in) throws IOException {
    byte[] header = in.readNBytes(5);
    if (header.length < 5) {
      throw new IOException("EOF");
    }
    int len = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
    byte[] body = in.readNBytes(len);
    byte[] out = new byte[body.length + 1];
    out[0] = header[0];
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** Reads the server's TLS 1.2 flight up to its server_hello_done (plaintext handshake). */
  static void readTls12Flight(InputStream in) throws IOException {
    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    for (int records = 0; records < 50; records++) {
      byte[] r = readRecord(in);
      if (r[0] != 22) {
        return; // an alert
      }
      handshake.write(r, 1, r.length - 1);
      byte[] h = handshake.toByteArray();
      int p = 0;
      while (p + 4 <= h.length) {
        int len = ((h[p + 1] & 0xFF) << 16) | ((h[p + 2] & 0xFF) << 8) | (h[p + 3] & 0xFF);
        if (h[p] == 14) {
          return;
        }
        p += 4 + len;
      }
    }
  }

  static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** One to four random mutations: bit flips, bytes, length fields, truncation, splices. */
  static byte[] mutate(byte[] base, Random r) {
    byte[] b = base.clone();
    int mutations = 1 + r.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      // Half of the mutations hit the headers and the first fields, where the lengths are.
      int pos = r.nextBoolean() ? r.nextInt(Math.min(b.length, 50)) : r.nextInt(b.length);
      switch (r.nextInt(7)) {
        case 0:
          b[pos] ^= (byte) (1 << r.nextInt(8));
          break;
        case 1:
          b[pos] = (byte) r.nextInt(256);
          break;
        case 2:
          {
            int[] lengths = {3, 4, 6, 7, 8, 43};
            int at = lengths[r.nextInt(lengths.length)];
            if (at < b.length) {
              b[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : b[at] + r.nextInt(5) - 2);
            }
            break;
          }
        case 3:
          b = Arrays.copyOf(b, Math.max(1, pos));
          break;
        case 4:
          {
            byte[] ins = randomBytes(r, 1 + r.nextInt(64));
            byte[] n = new byte[b.length + ins.length];
            System.arraycopy(b, 0, n, 0, pos);
            System.arraycopy(ins, 0, n, pos, ins.length);
            System.arraycopy(b, pos, n, pos + ins.length, b.length - pos);
            b = n;
            break;
          }
        case 5:
          {
            int len = Math.min(b.length - pos, 1 + r.nextInt(32));
            byte[] n = new byte[Math.max(1, b.length - len)];
            System.arraycopy(b, 0, n, 0, pos);
            System.arraycopy(b, pos + len, n, pos, Math.min(n.length - pos, b.length - pos - len));
            b = n;
            break;
          }
        default:
          {
            int len = Math.min(b.length - pos, 1 + r.nextInt(32));
            byte[] n = new byte[b.length + len];
            System.arraycopy(b, 0, n, 0, pos + len);
            System.arraycopy(b, pos, n, pos + len, b.length - pos);
            b = n;
          }
      }
    }
    return b;
  }
}
