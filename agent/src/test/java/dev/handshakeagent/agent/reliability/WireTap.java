package dev.handshakeagent.agent.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on loopback that records both directions of every connection through it, and reads
 * the session material that TLS sends in the clear: session ids in hellos, TLS 1.2 session tickets
 * (in {@code new_session_ticket} and in the client's {@code session_ticket} extension) and TLS 1.3
 * PSK identities and binders (in the client's {@code pre_shared_key} extension).
 */
final class WireTap implements AutoCloseable {

  /** One relayed connection. */
  static final class Connection {
    final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
  }

  private final ServerSocket listener;
  private final int target;
  private final List<Connection> connections = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Thread acceptor;

  WireTap(int targetPort) throws IOException {
    target = targetPort;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "wire-tap");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 10_000);
        Connection c = new Connection();
        synchronized (this) {
          connections.add(c);
          threads.add(pump(client, server, c.toServer));
          threads.add(pump(server, client, c.toClient));
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static Thread pump(Socket from, Socket to, ByteArrayOutputStream record) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                  synchronized (record) {
                    record.write(buf, 0, n);
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                // one side closed
              } finally {
                try {
                  to.close();
                } catch (IOException ignored) {
                  // closing anyway
                }
              }
            },
            "wire-tap-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for every relayed connection to end, then returns them. */
  List<Connection> connections() throws InterruptedException {
    List<Thread> pumps;
    synchronized (this) {
      pumps = new ArrayList<>(threads);
    }
    for (Thread t : pumps) {
      t.join(10_000);
    }
    synchronized (this) {
      return new ArrayList<>(connections);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  // ------------------------------------------------------------------ parsing

  /** Material sent in the clear that an agent must never record. */
  static final class Material {
    final List<byte[]> sessionIds = new ArrayList<>();
    final List<byte[]> tickets = new ArrayList<>();
    final List<byte[]> pskIdentities = new ArrayList<>();
    final List<byte[]> pskBinders = new ArrayList<>();
  }

  /** Reads the plaintext handshake messages of both directions of {@code c}. */
  static Material material(Connection c) {
    Material m = new Material();
    byte[] up;
    byte[] down;
    synchronized (c.toServer) {
      up = c.toServer.toByteArray();
    }
    synchronized (c.toClient) {
      down = c.toClient.toByteArray();
    }
    for (byte[] msg : plaintextHandshake(up)) {
      if (msg[0] == 1) {
        clientHello(msg, m);
      }
    }
    for (byte[] msg : plaintextHandshake(down)) {
      if (msg[0] == 2) {
        // server_hello: version(2) random(32) session_id
        int sid = 4 + 2 + 32;
        if (sid < msg.length) {
          m.sessionIds.add(slice(msg, sid + 1, msg[sid] & 0xFF));
        }
      } else if (msg[0] == 4) {
        // TLS 1.2 new_session_ticket: lifetime(4) ticket<2>
        int p = 4 + 4;
        if (p + 2 <= msg.length) {
          m.tickets.add(slice(msg, p + 2, u16(msg, p)));
        }
      }
    }
    return m;
  }

  /** The handshake messages (with their 4-byte headers) before the first change_cipher_spec. */
  static List<byte[]> plaintextHandshake(byte[] stream) {
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    int p = 0;
    while (p + 5 <= stream.length) {
      int type = stream[p] & 0xFF;
      int len = u16(stream, p + 3);
      if (type != 22 || p + 5 + len > stream.length) {
        break;
      }
      hs.write(stream, p + 5, len);
      p += 5 + len;
    }
    byte[] h = hs.toByteArray();
    List<byte[]> out = new ArrayList<>();
    int q = 0;
    while (q + 4 <= h.length) {
      int len = ((h[q + 1] & 0xFF) << 16) | ((h[q + 2] & 0xFF) << 8) | (h[q + 3] & 0xFF);
      if (q + 4 + len > h.length) {
        break;
      }
      out.add(slice(h, q, 4 + len));
      q += 4 + len;
    }
    return out;
  }

  private static void clientHello(byte[] msg, Material m) {
    int p = 4 + 2 + 32;
    int sidLen = msg[p] & 0xFF;
    m.sessionIds.add(slice(msg, p + 1, sidLen));
    p += 1 + sidLen;
    p += 2 + u16(msg, p); // cipher suites
    p += 1 + (msg[p] & 0xFF); // compression methods
    if (p + 2 > msg.length) {
      return;
    }
    int end = p + 2 + u16(msg, p);
    p += 2;
    while (p + 4 <= end) {
      int type = u16(msg, p);
      int len = u16(msg, p + 2);
      int data = p + 4;
      if (type == 35 && len > 0) { // session_ticket
        m.tickets.add(slice(msg, data, len));
      } else if (type == 41) { // pre_shared_key: identities<2>, binders<2>
        int ids = data + 2;
        int idsEnd = ids + u16(msg, data);
        while (ids + 2 <= idsEnd) {
          int idLen = u16(msg, ids);
          m.pskIdentities.add(slice(msg, ids + 2, idLen));
          ids += 2 + idLen + 4; // + obfuscated_ticket_age
        }
        int b = idsEnd + 2;
        int bindersEnd = b + u16(msg, idsEnd);
        while (b < bindersEnd) {
          int bLen = msg[b] & 0xFF;
          m.pskBinders.add(slice(msg, b + 1, bLen));
          b += 1 + bLen;
        }
      }
      p = data + len;
    }
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static byte[] slice(byte[] b, int from, int len) {
    byte[] out = new byte[Math.max(0, Math.min(len, b.length - from))];
    System.arraycopy(b, from, out, 0, out.length);
    return out;
  }
}
