package dev.handshakeagent.agent.reliability;

import com.sun.net.httpserver.HttpServer;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OTLP/HTTP endpoint on one fixed loopback port whose behaviour the test switches while the
 * agent exports to it: a real receiver ({@link OtlpReceiver}), nothing listening (connections
 * refused), a black hole (a {@link ServerSocket} that accepts and never reads or answers), or an
 * HTTP server answering every request with one status (503, 500, 429, with or without {@code
 * Retry-After}). The receiver can be stopped and started again on the same port; spans received by
 * every receiver instance are kept.
 *
 * <p>The port is below the kernel's ephemeral range, so the child's own sockets (which bind port 0)
 * never take it while nothing listens there.
 */
final class FaultyCollector implements AutoCloseable {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  final int port;
  private String mode = "none";
  private OtlpReceiver receiver;
  private HttpServer answering;
  private ServerSocket blackHole;
  private final List<Socket> held = new ArrayList<>();
  private final List<OtlpReceiver.Received> earlier = new ArrayList<>();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger blackHoled = new AtomicInteger();
  private int receivedRequests;

  private FaultyCollector(int port) {
    this.port = port;
  }

  /** On a free loopback port between 21000 and 32000 (below the ephemeral range). */
  static FaultyCollector onFreePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(21_000, 32_000);
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(LOOPBACK, port));
        return new FaultyCollector(port);
      } catch (BindException inUse) {
        // try another
      }
    }
    throw new IOException("no free loopback port below the ephemeral range");
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  synchronized String mode() {
    return mode;
  }

  /** A real OTLP receiver on the port (again). */
  synchronized void healthy() throws IOException {
    stop();
    receiver = bind(() -> new OtlpReceiver(port));
    mode = "healthy";
  }

  /** Nothing listens: connections are refused. */
  synchronized void refuse() {
    stop();
    mode = "refused";
  }

  /** Accepts connections and never reads or answers. */
  synchronized void blackHole() throws IOException {
    stop();
    ServerSocket ss =
        bind(
            () -> {
              ServerSocket s = new ServerSocket();
              s.setReuseAddress(true);
              s.bind(new InetSocketAddress(LOOPBACK, port), 50);
              return s;
            });
    blackHole = ss;
    Thread accept =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket s = ss.accept();
                  blackHoled.incrementAndGet();
                  synchronized (held) {
                    held.add(s);
                  }
                } catch (IOException closed) {
                  return;
                }
              }
            },
            "black-hole");
    accept.setDaemon(true);
    accept.start();
    mode = "black hole";
  }

  /** Answers every request with {@code status}, with a {@code Retry-After} header when given. */
  synchronized void answer(int status, String retryAfter) throws IOException {
    stop();
    HttpServer server = bind(() -> HttpServer.create(new InetSocketAddress(LOOPBACK, port), 50));
    server.createContext(
        "/",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
          }
          answered.incrementAndGet();
          if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    answering = server;
    mode = "HTTP " + status + (retryAfter == null ? "" : " Retry-After: " + retryAfter);
  }

  /** Requests answered with an error status, connections black-holed, so far. */
  int answered() {
    return answered.get();
  }

  int blackHoled() {
    return blackHoled.get();
  }

  /** Export requests the receivers decoded, over all their lives. */
  synchronized int receivedRequests() {
    return receivedRequests + (receiver == null ? 0 : receiver.requests());
  }

  /** Every span received by every receiver on the port so far. */
  synchronized List<OtlpReceiver.Received> spans() {
    List<OtlpReceiver.Received> all = new ArrayList<>(earlier);
    if (receiver != null) {
      all.addAll(receiver.spans());
    }
    return all;
  }

  private void stop() {
    if (receiver != null) {
      earlier.addAll(receiver.spans());
      receivedRequests += receiver.requests();
      receiver.close();
      receiver = null;
    }
    if (answering != null) {
      answering.stop(0);
      answering = null;
    }
    if (blackHole != null) {
      try {
        blackHole.close();
      } catch (IOException ignored) {
        // closing
      }
      blackHole = null;
      synchronized (held) {
        for (Socket s : held) {
          try {
            s.close();
          } catch (IOException ignored) {
            // closing
          }
        }
        held.clear();
      }
    }
  }

  private interface Binder<T> {
    T bind() throws IOException;
  }

  /** Binds the fixed port, retrying briefly while the previous listener lets go of it. */
  private static <T> T bind(Binder<T> binder) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return binder.bind();
      } catch (BindException e) {
        if (attempt >= 40) {
          throw e;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    stop();
    mode = "closed";
  }
}
