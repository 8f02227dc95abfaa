package dev.handshakeagent.bench;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A client and a server {@link SSLEngine} talking through two in-memory buffers, delegated tasks
 * run inline: a TLS handshake with no network and no other thread, so what is measured is JSSE's
 * own work (and the agent's, when it is attached).
 */
public final class EnginePair {
  /** Room for the largest TLS record plus slack. */
  private static final int NET = 1 << 16;

  public final SSLEngine client;
  public final SSLEngine server;
  private final ByteBuffer toServer;
  private final ByteBuffer toClient;
  private final ByteBuffer clientApp;
  private final ByteBuffer serverApp;

  /** Buffers reused from {@code reuse} when given, so a benchmark does not measure their cost. */
  public EnginePair(SSLEngine client, SSLEngine server, EnginePair reuse) {
    this.client = client;
    this.server = server;
    client.setUseClientMode(true);
    server.setUseClientMode(false);
    if (reuse != null) {
      toServer = reuse.toServer.clear();
      toClient = reuse.toClient.clear();
      clientApp = reuse.clientApp.clear();
      serverApp = reuse.serverApp.clear();
    } else {
      toServer = ByteBuffer.allocateDirect(NET);
      toClient = ByteBuffer.allocateDirect(NET);
      clientApp = ByteBuffer.allocate(NET * 2);
      serverApp = ByteBuffer.allocate(NET * 2);
    }
  }

  /** A pair from two contexts; a client with a peer host and port can resume sessions. */
  public static EnginePair of(
      SSLContext clientContext, SSLContext serverContext, String host, int port, EnginePair reuse) {
    SSLEngine c =
        host == null ? clientContext.createSSLEngine() : clientContext.createSSLEngine(host, port);
    return new EnginePair(c, serverContext.createSSLEngine(), reuse);
  }

  /**
   * Runs the handshake to the end on both sides, including the TLS 1.3 server's NewSessionTicket,
   * which the client reads (so it can resume later).
   */
  public void handshake() throws SSLException {
    client.beginHandshake();
    server.beginHandshake();
    ByteBuffer empty = ByteBuffer.allocate(0);
    for (int round = 0; round < 64; round++) {
      boolean progress = false;
      progress |= wrap(client, empty, toServer);
      progress |= wrap(server, empty, toClient);
      progress |= unwrap(server, toServer, serverApp);
      progress |= unwrap(client, toClient, clientApp);
      if (!progress
          && done(client)
          && done(server)
          && toServer.position() == 0
          && toClient.position() == 0) {
        return;
      }
    }
    throw new SSLException(
        "handshake did not finish: client "
            + client.getHandshakeStatus()
            + ", server "
            + server.getHandshakeStatus());
  }

  /** Sends {@code data} (flipped) from the client to the server; returns the bytes received. */
  public int clientToServer(ByteBuffer data) throws SSLException {
    while (data.hasRemaining()) {
      SSLEngineResult w = client.wrap(data, toServer);
      if (w.getStatus() != SSLEngineResult.Status.OK) {
        throw new SSLException("wrap: " + w);
      }
    }
    toServer.flip();
    serverApp.clear();
    int received = 0;
    while (toServer.hasRemaining()) {
      SSLEngineResult u = server.unwrap(toServer, serverApp);
      if (u.getStatus() != SSLEngineResult.Status.OK) {
        throw new SSLException("unwrap: " + u);
      }
      received += u.bytesProduced();
    }
    toServer.clear();
    return received;
  }

  /** Closes both sides' outbound direction (what an application does at the end). */
  public void close() {
    client.closeOutbound();
    server.closeOutbound();
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus s = engine.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  private static boolean wrap(SSLEngine engine, ByteBuffer empty, ByteBuffer out)
      throws SSLException {
    boolean progress = false;
    while (true) {
      SSLEngineResult r = engine.wrap(empty, out);
      runTasks(engine, r);
      if (r.bytesProduced() == 0) {
        return progress;
      }
      progress = true;
    }
  }

  private static boolean unwrap(SSLEngine engine, ByteBuffer in, ByteBuffer app)
      throws SSLException {
    in.flip();
    boolean progress = false;
    try {
      while (in.hasRemaining()) {
        SSLEngineResult r = engine.unwrap(in, app);
        runTasks(engine, r);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
          break;
        }
        if (r.bytesConsumed() == 0 && r.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
          break;
        }
        progress = true;
      }
    } finally {
      in.compact();
      app.clear();
    }
    return progress;
  }

  private static void runTasks(SSLEngine engine, SSLEngineResult r) {
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    }
  }
}
