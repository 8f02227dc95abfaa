package dev.handshakeagent.demo;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One connection between two {@link SSLEngine}s over NIO socket channels on the loopback address,
 * the way NIO servers and clients (Netty, the JDK's HttpClient) drive TLS: wrap, unwrap, delegated
 * tasks. The channels are blocking to keep the loop short; the protocol is the same as {@link
 * SocketTls}'s (server writes one byte, client answers one).
 */
final class EngineTls {
  private static final byte SERVER_BYTE = 's';
  private static final byte CLIENT_BYTE = 'c';

  private EngineTls() {}

  static Exchange run(Lab lab, TlsSide server, TlsSide client) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      Future<Outcome> serverSide =
          lab.threads()
              .submit(
                  () -> {
                    try (SocketChannel channel = listener.accept()) {
                      // An engine's peer host and port are the other side's, here the client's
                      // address; the engine has no local port of its own.
                      InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
                      SSLEngine engine =
                          server
                              .context()
                              .createSSLEngine(peer.getAddress().getHostAddress(), peer.getPort());
                      engine.setUseClientMode(false);
                      engine.setSSLParameters(server.apply(engine.getSSLParameters()));
                      return new Peer(channel, engine).talk(false);
                    }
                  });
      SocketChannel clientChannel = SocketChannel.open();
      Future<Outcome> clientSide =
          lab.threads()
              .submit(
                  () -> {
                    try (SocketChannel channel = clientChannel) {
                      channel.connect(new InetSocketAddress(loopback, port));
                      // Host and port tell the engine whom it talks to (SNI, name check,
                      // session cache); the engine itself never touches the network.
                      SSLEngine engine = client.context().createSSLEngine(TlsSide.HOST, port);
                      engine.setUseClientMode(true);
                      engine.setSSLParameters(client.apply(engine.getSSLParameters()));
                      return new Peer(channel, engine).talk(true);
                    }
                  });
      Outcome clientOutcome = Lab.await(clientSide, clientChannel, listener);
      Outcome serverOutcome = Lab.await(serverSide, listener);
      return new Exchange(
          port, List.of(new Exchange.Connection(clientOutcome, serverOutcome)), List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** One side: an engine and the channel its records travel over. */
  private static final class Peer {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;

    Peer(SocketChannel channel, SSLEngine engine) {
      this.channel = channel;
      this.engine = engine;
      netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    Outcome talk(boolean client) {
      long start = System.nanoTime();
      try {
        handshake();
      } catch (IOException e) {
        sendPendingAlert();
        return Outcome.failed(e, Outcome.Stage.HANDSHAKE, SocketTls.since(start));
      }
      Duration handshake = SocketTls.since(start);
      Outcome ok = Outcome.ok(engine.getSession(), handshake);
      try {
        if (client) {
          expect(SERVER_BYTE);
          send(CLIENT_BYTE);
        } else {
          send(SERVER_BYTE);
          expect(CLIENT_BYTE);
        }
        sendCloseNotify();
        return ok;
      } catch (IOException e) {
        sendPendingAlert();
        return Outcome.failed(e, Outcome.Stage.AFTER_HANDSHAKE, handshake);
      }
    }

    private void handshake() throws IOException {
      engine.beginHandshake();
      HandshakeStatus status = engine.getHandshakeStatus();
      while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
        switch (status) {
          case NEED_WRAP:
            SSLEngineResult result = wrap(EMPTY);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new SSLException("the engine closed during the handshake");
            }
            status = result.getHandshakeStatus();
            break;
          case NEED_UNWRAP:
          case NEED_UNWRAP_AGAIN:
            status = unwrap();
            break;
          case NEED_TASK:
            runDelegatedTasks();
            status = engine.getHandshakeStatus();
            break;
          default:
            throw new IllegalStateException("unexpected handshake status " + status);
        }
      }
    }

    /** Application data; a TLS 1.3 key update or ticket is handled on the way. */
    private void send(byte b) throws IOException {
      ByteBuffer data = ByteBuffer.wrap(new byte[] {b});
      while (data.hasRemaining()) {
        wrap(data);
      }
    }

    private void expect(byte expected) throws IOException {
      while (appIn.position() == 0) {
        HandshakeStatus status = unwrap();
        // Post-handshake messages (new_session_ticket, key_update) may ask for more work.
        if (status == HandshakeStatus.NEED_TASK) {
          runDelegatedTasks();
        } else if (status == HandshakeStatus.NEED_WRAP) {
          wrap(EMPTY);
        }
      }
      appIn.flip();
      byte b = appIn.get();
      appIn.compact();
      if (b != expected) {
        throw new EOFException("unexpected byte " + b + " from the peer");
      }
    }

    private SSLEngineResult wrap(ByteBuffer data) throws IOException {
      while (true) {
        netOut.clear();
        SSLEngineResult result = engine.wrap(data, netOut);
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          netOut = ByteBuffer.allocate(netOut.capacity() * 2);
          continue;
        }
        netOut.flip();
        while (netOut.hasRemaining()) {
          channel.write(netOut);
        }
        return result;
      }
    }

    /** Unwraps one record, reading from the channel as often as it takes to get a whole one. */
    private HandshakeStatus unwrap() throws IOException {
      while (true) {
        netIn.flip();
        SSLEngineResult result = engine.unwrap(netIn, appIn);
        netIn.compact();
        switch (result.getStatus()) {
          case OK:
            return result.getHandshakeStatus();
          case BUFFER_OVERFLOW:
            appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
            break;
          case BUFFER_UNDERFLOW:
            if (!netIn.hasRemaining()) {
              netIn = grow(netIn, engine.getSession().getPacketBufferSize());
            }
            if (channel.read(netIn) < 0) {
              // Tells the engine the peer is gone; during a handshake this throws, as it does
              // for a real application.
              engine.closeInbound();
              throw new EOFException("the peer closed the connection");
            }
            break;
          case CLOSED:
            throw new EOFException("the peer closed the TLS connection");
          default:
            throw new IllegalStateException("unexpected status " + result.getStatus());
        }
      }
    }

    private void runDelegatedTasks() {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    }

    /** After a failure the engine still holds the alert for the peer: send it, best effort. */
    private void sendPendingAlert() {
      try {
        for (int i = 0; i < 4; i++) {
          if (wrap(EMPTY).bytesProduced() == 0) {
            return;
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // the peer may be gone already; the failure itself is what gets reported
      }
    }

    /** Ends the connection politely; the exchange already succeeded, so errors do not count. */
    private void sendCloseNotify() {
      try {
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
          wrap(EMPTY);
        }
      } catch (IOException | RuntimeException ignored) {
        // the peer may have closed first
      }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
      buffer.flip();
      bigger.put(buffer);
      return bigger;
    }
  }
}
