package dev.handshakeagent.agent.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An SSLServerSocket served by one accept thread and a pool of handler threads, as a real service
 * would run. Each connection: handshake, then read one byte and answer one byte (so a TLS 1.3
 * client also receives its session ticket), then close. What the server application saw is kept per
 * connection, keyed by the client's port.
 */
final class TlsTestServer implements AutoCloseable {

  /** One connection as the server application saw it. */
  static final class Seen {
    final int clientPort;
    final boolean ok;

    /** The exception message the application got, or the negotiated protocol on success. */
    final String message;

    Seen(int clientPort, boolean ok, String message) {
      this.clientPort = clientPort;
      this.ok = ok;
      this.message = message;
    }

    @Override
    public String toString() {
      return clientPort + (ok ? " OK " : " FAIL ") + message;
    }
  }

  private final SSLServerSocket socket;
  private final ExecutorService pool;
  private final Thread acceptor;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger handled = new AtomicInteger();
  private final List<Seen> seen = new ArrayList<>();
  private final int soTimeoutMillis;
  private final boolean http;
  private volatile boolean open = true;

  /**
   * @param protocols enabled protocols, or null for the JDK's defaults
   * @param needClientAuth whether a client certificate is required
   */
  TlsTestServer(
      SSLContext context,
      String[] protocols,
      boolean needClientAuth,
      int threads,
      int soTimeoutMillis)
      throws IOException {
    this(context, protocols, needClientAuth, threads, soTimeoutMillis, false);
  }

  /**
   * With {@code http}, each connection reads an HTTP/1.x request head and answers {@code 200 ok}
   * (for curl and {@code openssl s_client}) instead of one byte each way.
   */
  TlsTestServer(
      SSLContext context,
      String[] protocols,
      boolean needClientAuth,
      int threads,
      int soTimeoutMillis,
      boolean http)
      throws IOException {
    this.soTimeoutMillis = soTimeoutMillis;
    this.http = http;
    socket =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 512, InetAddress.getLoopbackAddress());
    SSLParameters p = socket.getSSLParameters();
    if (protocols != null) {
      p.setProtocols(protocols);
    }
    p.setNeedClientAuth(needClientAuth);
    socket.setSSLParameters(p);
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "tls-test-server-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    acceptor = new Thread(this::acceptLoop, "tls-test-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  synchronized List<Seen> seen() {
    return new ArrayList<>(seen);
  }

  /** Waits until every accepted connection was handled; false on timeout. */
  boolean awaitIdle(int expectedAccepted, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (accepted.get() >= expectedAccepted && handled.get() == accepted.get()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private void acceptLoop() {
    while (open) {
      try {
        SSLSocket s = (SSLSocket) socket.accept();
        accepted.incrementAndGet();
        pool.execute(() -> handle(s));
      } catch (IOException e) {
        if (!open) {
          return;
        }
      }
    }
  }

  private void handle(SSLSocket s) {
    int port = s.getPort();
    Seen result;
    try (s) {
      s.setSoTimeout(soTimeoutMillis);
      s.startHandshake();
      String protocol = s.getSession().getProtocol();
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      if (http) {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
          int c = in.read();
          if (c < 0) {
            break;
          }
          matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                .getBytes(StandardCharsets.US_ASCII));
      } else {
        in.read();
        out.write('s');
      }
      out.flush();
      result = new Seen(port, true, protocol);
    } catch (IOException | RuntimeException e) {
      result = new Seen(port, false, e.getMessage());
    }
    synchronized (this) {
      seen.add(result);
    }
    handled.incrementAndGet();
  }

  @Override
  public void close() throws IOException {
    open = false;
    try {
      socket.close();
    } catch (SocketException ignored) {
      // closing anyway
    }
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
