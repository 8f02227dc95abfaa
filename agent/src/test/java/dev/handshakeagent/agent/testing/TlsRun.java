package dev.handshakeagent.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Runs real handshakes on loopback (SSLSocket) or in memory (SSLEngine pair, delegated tasks on a
 * separate executor thread) and reports what the application saw, as text: {@code OK TLSv1.3
 * TLS_AES_128_GCM_SHA256} or {@code FAIL javax.net.ssl.SSLHandshakeException: message}. The same
 * text with and without the agent proves the agent changes nothing.
 */
public final class TlsRun {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int TIMEOUT_MS = 15_000;

  /** Ports already handed out in this JVM: each run's port identifies its spans. */
  private static final Set<Integer> USED_PORTS = ConcurrentHashMap.newKeySet();

  private TlsRun() {}

  /** A listening socket on a loopback port this JVM has not used before. */
  static <S extends ServerSocket> S freshPort(PortBinder<S> bind) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      S s = bind.bind();
      if (USED_PORTS.add(s.getLocalPort())) {
        return s;
      }
      s.close();
    }
    throw new IOException("no fresh loopback port after 50 attempts");
  }

  /** Marks {@code port} as used; false when it was used before. */
  static boolean claim(int port) {
    return USED_PORTS.add(port);
  }

  interface PortBinder<S extends ServerSocket> {
    S bind() throws IOException;
  }

  /** What each side saw, and the port that identifies the connection in exported spans. */
  public static final class Result {
    public final String client;
    public final String server;
    public final int port;

    Result(String client, String server, int port) {
      this.client = client;
      this.server = server;
      this.port = port;
    }

    @Override
    public String toString() {
      return "client=" + client + " | server=" + server;
    }
  }

  // ------------------------------------------------------------------ SSLSocket

  /** {@code connections} sequential connections from one client context to one server socket. */
  public static List<Result> sockets(TlsConfig server, TlsConfig client, int connections)
      throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> new Thread(r, "tls-test-server"));
    try (SSLServerSocket ss =
        freshPort(
            () ->
                (SSLServerSocket)
                    server.context.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK))) {
      ss.setSSLParameters(server.apply(ss.getSSLParameters(), false));
      List<Result> results = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Future<String> serverSide =
            exec.submit(
                () -> {
                  try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(TIMEOUT_MS);
                    try {
                      s.startHandshake();
                      String ok = ok(s.getSession());
                      s.getInputStream().read();
                      s.getOutputStream().write('s');
                      s.getOutputStream().flush();
                      if (client.keyUpdate) {
                        s.getInputStream().read(); // consumes the client's key_update first
                        s.getOutputStream().write('s');
                        s.getOutputStream().flush();
                      }
                      return ok;
                    } catch (IOException e) {
                      return fail(e);
                    }
                  }
                });
        String clientSide;
        try (SSLSocket c =
            (SSLSocket)
                client.context.getSocketFactory().createSocket("localhost", ss.getLocalPort())) {
          c.setSoTimeout(TIMEOUT_MS);
          c.setSSLParameters(client.apply(c.getSSLParameters(), true));
          try {
            c.startHandshake();
            clientSide = ok(c.getSession());
            c.getOutputStream().write('c');
            c.getOutputStream().flush();
            c.getInputStream().read(); // also consumes a TLS 1.3 new_session_ticket
            if (client.keyUpdate) {
              c.startHandshake(); // on an established TLS 1.3 connection: sends key_update
              c.getOutputStream().write('c');
              c.getOutputStream().flush();
              c.getInputStream().read();
            }
          } catch (IOException e) {
            clientSide = fail(e);
          }
        }
        results.add(
            new Result(
                clientSide, serverSide.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), ss.getLocalPort()));
      }
      return results;
    } finally {
      exec.shutdownNow();
    }
  }

  public static Result sockets(TlsConfig server, TlsConfig client) throws Exception {
    return sockets(server, client, 1).get(0);
  }

  /**
   * A TLS server facing a raw TCP client that sends {@code bytes} and then closes (or, with {@code
   * stallMillis > 0}, waits that long first). The client side of the result is "raw".
   */
  public static Result rawClient(TlsConfig server, byte[] bytes, long stallMillis)
      throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> new Thread(r, "tls-test-server"));
    try (SSLServerSocket ss =
        freshPort(
            () ->
                (SSLServerSocket)
                    server.context.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK))) {
      ss.setSSLParameters(server.apply(ss.getSSLParameters(), false));
      Future<String> serverSide =
          exec.submit(
              () -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                  s.setSoTimeout(TIMEOUT_MS);
                  try {
                    s.startHandshake();
                    return ok(s.getSession());
                  } catch (IOException e) {
                    return fail(e);
                  }
                }
              });
      try (Socket raw = new Socket()) {
        raw.connect(new InetSocketAddress(LOOPBACK, ss.getLocalPort()), TIMEOUT_MS);
        OutputStream out = raw.getOutputStream();
        out.write(bytes);
        out.flush();
        if (stallMillis > 0) {
          Thread.sleep(stallMillis);
        }
      }
      return new Result(
          "raw", serverSide.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), ss.getLocalPort());
    } finally {
      exec.shutdownNow();
    }
  }

  /** A TLS client facing a raw TCP server that reads the client_hello and closes. */
  public static Result rawServerCloses(TlsConfig client) throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> new Thread(r, "tls-test-server"));
    try (ServerSocket ss = freshPort(() -> new ServerSocket(0, 50, LOOPBACK))) {
      Future<String> serverSide =
          exec.submit(
              () -> {
                try (Socket s = ss.accept()) {
                  s.setSoTimeout(TIMEOUT_MS);
                  InputStream in = s.getInputStream();
                  int n = in.read(new byte[16384]);
                  return "raw read " + (n > 0 ? "some" : "none");
                }
              });
      String clientSide;
      try (SSLSocket c =
          (SSLSocket)
              client.context.getSocketFactory().createSocket("localhost", ss.getLocalPort())) {
        c.setSoTimeout(TIMEOUT_MS);
        c.setSSLParameters(client.apply(c.getSSLParameters(), true));
        try {
          c.startHandshake();
          clientSide = ok(c.getSession());
        } catch (IOException e) {
          clientSide = fail(e);
        }
      }
      return new Result(
          clientSide, serverSide.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), ss.getLocalPort());
    } finally {
      exec.shutdownNow();
    }
  }

  /** The bytes of a real client_hello record, taken from a client engine's first wrap. */
  public static byte[] clientHelloBytes(TlsConfig client) throws SSLException {
    SSLEngine e = client.context.createSSLEngine("localhost", 443);
    e.setUseClientMode(true);
    e.setSSLParameters(client.apply(e.getSSLParameters(), true));
    ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
    e.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    e.closeOutbound();
    return b;
  }

  // ------------------------------------------------------------------ SSLEngine

  /**
   * An in-memory engine pair. {@code port} is only a label: the client engine is created for {@code
   * localhost:port} and the server engine for {@code 127.0.0.1:port}, so spans can be matched to
   * this run. Delegated tasks run on {@code tasks}.
   */
  public static Result engines(TlsConfig server, TlsConfig client, int port, ExecutorService tasks)
      throws Exception {
    SSLEngine c = client.context.createSSLEngine("localhost", port);
    c.setUseClientMode(true);
    c.setSSLParameters(client.apply(c.getSSLParameters(), true));
    SSLEngine s = server.context.createSSLEngine("127.0.0.1", port);
    s.setUseClientMode(false);
    s.setSSLParameters(server.apply(s.getSSLParameters(), false));
    return engines(c, s, port, tasks);
  }

  public static Result engines(SSLEngine c, SSLEngine s, int port, ExecutorService tasks)
      throws Exception {
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    c.beginHandshake();
    s.beginHandshake();
    EngineSide client = new EngineSide(c, toClient, toServer, tasks);
    EngineSide srv = new EngineSide(s, toServer, toClient, tasks);
    for (int i = 0; i < 500 && (client.result == null || srv.result == null); i++) {
      boolean progress = client.step();
      progress |= srv.step();
      if (!progress) {
        break; // both wait for input that will never come
      }
    }
    if (client.result != null
        && client.result.startsWith("OK")
        && srv.result != null
        && srv.result.startsWith("OK")) {
      // Application data both ways: the client also consumes a TLS 1.3 new_session_ticket here.
      client.send("ping");
      srv.receive();
      srv.send("pong");
      client.receive();
    }
    return new Result(
        client.result == null ? "PENDING" : client.result,
        srv.result == null ? "PENDING" : srv.result,
        port);
  }

  private static final class EngineSide {
    final SSLEngine engine;
    final ByteBuffer in;
    final ByteBuffer out;
    final ExecutorService tasks;
    final ByteBuffer app = ByteBuffer.allocate(1 << 17);
    String result;

    EngineSide(SSLEngine engine, ByteBuffer in, ByteBuffer out, ExecutorService tasks) {
      this.engine = engine;
      this.in = in;
      this.out = out;
      this.tasks = tasks;
    }

    /** Advances this side as far as it can; returns whether anything moved. */
    boolean step() throws Exception {
      if (result != null) {
        return false;
      }
      boolean progress = false;
      try {
        for (int guard = 0; guard < 100; guard++) {
          SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
          switch (hs) {
            case NEED_TASK:
              Runnable task;
              while ((task = engine.getDelegatedTask()) != null) {
                tasks.submit(task).get();
              }
              progress = true;
              break;
            case NEED_WRAP:
              engine.wrap(ByteBuffer.allocate(0), out);
              progress = true;
              break;
            case NEED_UNWRAP:
            case NEED_UNWRAP_AGAIN:
              in.flip();
              SSLEngineResult r = engine.unwrap(in, app);
              in.compact();
              if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                  || (r.bytesConsumed() == 0 && r.getHandshakeStatus() == hs)) {
                return progress;
              }
              progress = true;
              break;
            default:
              result = ok(engine.getSession());
              return true;
          }
        }
        return progress;
      } catch (SSLException e) {
        result = fail(e);
        try {
          engine.wrap(ByteBuffer.allocate(0), out); // flush the alert to the peer
        } catch (SSLException ignored) {
          // already failed
        }
        return true;
      }
    }

    void send(String text) throws SSLException {
      engine.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), out);
    }

    void receive() throws SSLException {
      for (int i = 0; i < 5; i++) {
        in.flip();
        SSLEngineResult r = engine.unwrap(in, app);
        in.compact();
        if (r.bytesProduced() > 0 || r.bytesConsumed() == 0) {
          return;
        }
      }
    }
  }

  // ------------------------------------------------------------------ results

  static String ok(SSLSession s) {
    return "OK " + s.getProtocol() + " " + s.getCipherSuite();
  }

  static String fail(Throwable e) {
    return "FAIL " + e.getClass().getName() + ": " + e.getMessage();
  }
}
