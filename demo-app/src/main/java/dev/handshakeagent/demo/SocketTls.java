package dev.handshakeagent.demo;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Connections between an {@link SSLServerSocket} and {@link SSLSocket} clients on the loopback
 * address. After the handshake the server writes one byte and the client answers with one: the
 * client's read also consumes a TLS 1.3 new_session_ticket, and a TLS 1.3 server that rejects the
 * client's certificate after the client finished shows up as the client's failed read.
 */
final class SocketTls {
  private static final int SERVER_BYTE = 's';
  private static final int CLIENT_BYTE = 'c';

  private SocketTls() {}

  /** One connection. */
  static Exchange run(Lab lab, TlsSide server, TlsSide client) throws IOException {
    return run(lab, server, client, 1);
  }

  /** {@code count} connections in turn, from the same client context to the same server port. */
  static Exchange run(Lab lab, TlsSide server, TlsSide client, int count) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server.context().getServerSocketFactory().createServerSocket(0, 50, loopback)) {
      listener.setSSLParameters(server.apply(listener.getSSLParameters()));
      listener.setSoTimeout((int) Lab.TIMEOUT.toMillis());
      int port = listener.getLocalPort();
      List<Exchange.Connection> connections = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Future<Outcome> serverSide = lab.threads().submit(() -> serve(listener));
        Outcome clientSide = connect(client, loopback, port);
        connections.add(new Exchange.Connection(clientSide, Lab.await(serverSide, listener)));
      }
      return new Exchange(port, connections, List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Outcome serve(SSLServerSocket listener) throws IOException {
    SSLSocket socket;
    try {
      socket = (SSLSocket) listener.accept();
    } catch (SocketTimeoutException e) {
      return Outcome.notReached("no client connected");
    }
    try {
      socket.setSoTimeout((int) Lab.TIMEOUT.toMillis());
      return talk(socket, false);
    } finally {
      closeQuietly(socket);
    }
  }

  private static Outcome connect(TlsSide client, InetAddress loopback, int port) {
    SSLSocket socket;
    try {
      // The loopback InetAddress carries the name "localhost", so the client checks the
      // server's certificate against that name without any lookup.
      socket = (SSLSocket) client.context().getSocketFactory().createSocket(loopback, port);
    } catch (IOException e) {
      return Outcome.failed(e, Outcome.Stage.HANDSHAKE, null);
    }
    try {
      socket.setSoTimeout((int) Lab.TIMEOUT.toMillis());
      socket.setSSLParameters(client.apply(socket.getSSLParameters()));
      return talk(socket, true);
    } catch (IOException e) {
      return Outcome.failed(e, Outcome.Stage.HANDSHAKE, null);
    } finally {
      closeQuietly(socket);
    }
  }

  /** Closing sends close_notify to a peer that may be gone; the outcome is already known. */
  static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing left to report
    }
  }

  /** Handshakes, then the server writes first and the client answers. */
  private static Outcome talk(SSLSocket socket, boolean client) {
    long start = System.nanoTime();
    try {
      socket.startHandshake();
    } catch (IOException e) {
      return Outcome.failed(e, Outcome.Stage.HANDSHAKE, since(start));
    }
    Duration handshake = since(start);
    Outcome ok = Outcome.ok(socket.getSession(), handshake);
    try {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      if (client) {
        expect(in, SERVER_BYTE);
        out.write(CLIENT_BYTE);
        out.flush();
      } else {
        out.write(SERVER_BYTE);
        out.flush();
        expect(in, CLIENT_BYTE);
      }
      return ok;
    } catch (IOException e) {
      return Outcome.failed(e, Outcome.Stage.AFTER_HANDSHAKE, handshake);
    }
  }

  private static void expect(InputStream in, int expected) throws IOException {
    int b = in.read();
    if (b != expected) {
      throw new EOFException(
          b < 0 ? "the peer closed the connection" : "unexpected byte " + b + " from the peer");
    }
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
