package dev.handshakeagent.agent.reliability;

import dev.handshakeagent.agent.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Child-JVM main of {@link PackagedAgentBackendFaultsTest}: a service doing full TLS 1.3 handshakes
 * (SSLSocket client and server in this JVM, on loopback) in rounds the test asks for on stdin,
 * while the test changes what the OTLP endpoint does between (and during) rounds.
 *
 * <p>stdin: {@code ROUND <label> <count>} runs {@code count} sequential connections to a new server
 * socket; {@code EXIT} ends. stdout, per round: {@code ROUND <label> count=N ok=K port=P
 * median_us=.. p90_us=.. max_us=.. heap_kb=..}: {@code ok} counts connections where both sides
 * completed the handshake and exchanged a byte; the times are the client's {@code startHandshake()}
 * (the whole handshake, both sides, as the application waits for it); {@code heap_kb} is the used
 * heap after {@code System.gc()} at the end of the round. {@code UNEXPECTED ...} for anything that
 * went wrong; the exit code is 0 when nothing did.
 */
public final class BackendFaultsMain {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int TIMEOUT_MS = 15_000;
  private static final Set<Integer> USED_PORTS = new HashSet<>();

  private BackendFaultsMain() {}

  public static void main(String[] args) throws Exception {
    SSLContext server = TestPki.serverContext(TestPki.Server.RSA);
    SSLContext client = TestPki.clientContext(false);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    boolean clean = true;
    System.out.println("READY");
    System.out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" ");
      if (words[0].equals("EXIT")) {
        break;
      }
      if (words[0].equals("ROUND") && words.length == 3) {
        clean &= round(words[1], Integer.parseInt(words[2]), server, client);
      } else {
        System.out.println("UNEXPECTED command " + line);
        clean = false;
      }
      System.out.flush();
    }
    System.out.println("DONE");
    System.out.flush();
    System.exit(clean ? 0 : 1);
  }

  private static SSLServerSocket freshServerSocket(SSLContext server) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      SSLServerSocket ss =
          (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
      if (USED_PORTS.add(ss.getLocalPort())) {
        return ss;
      }
      ss.close();
    }
    throw new IOException("no fresh loopback port after 50 attempts");
  }

  static boolean round(String label, int count, SSLContext server, SSLContext client)
      throws Exception {
    long[] nanos = new long[count];
    int ok = 0;
    AtomicInteger serverOk = new AtomicInteger();
    AtomicReference<Throwable> serverError = new AtomicReference<>();
    int port;
    try (SSLServerSocket ss = freshServerSocket(server)) {
      ss.setEnabledProtocols(new String[] {"TLSv1.3"});
      port = ss.getLocalPort();
      Thread acceptor =
          new Thread(
              () -> {
                for (int i = 0; i < count; i++) {
                  try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(TIMEOUT_MS);
                    s.setTcpNoDelay(true);
                    s.startHandshake();
                    if (s.getInputStream().read() == 'c') {
                      s.getOutputStream().write('s');
                      s.getOutputStream().flush();
                      serverOk.incrementAndGet();
                    }
                  } catch (Throwable t) {
                    serverError.compareAndSet(null, t);
                  }
                }
              },
              "faults-server");
      acceptor.setDaemon(true);
      acceptor.start();
      for (int i = 0; i < count; i++) {
        try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
          c.setSoTimeout(TIMEOUT_MS);
          c.setTcpNoDelay(true); // no Nagle/delayed-ACK waits in the measured time
          c.setEnabledProtocols(new String[] {"TLSv1.3"});
          long start = System.nanoTime();
          c.startHandshake();
          nanos[i] = System.nanoTime() - start;
          c.getOutputStream().write('c');
          c.getOutputStream().flush();
          if (c.getInputStream().read() == 's') { // also consumes the new_session_ticket
            ok++;
          }
          // Full handshakes only: no resumption from this client's session cache.
          c.getSession().invalidate();
        } catch (IOException e) {
          System.out.println("UNEXPECTED " + label + " client " + e);
        }
      }
      acceptor.join(TIMEOUT_MS);
    }
    if (serverError.get() != null) {
      System.out.println("UNEXPECTED " + label + " server " + serverError.get());
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.println(
        "ROUND "
            + label
            + " count="
            + count
            + " ok="
            + Math.min(ok, serverOk.get())
            + " port="
            + port
            + " median_us="
            + sorted[count / 2] / 1000
            + " p90_us="
            + sorted[(int) (count * 0.9)] / 1000
            + " max_us="
            + sorted[count - 1] / 1000
            + " heap_kb="
            + heap / 1024);
    return ok == count && serverOk.get() == count && serverError.get() == null;
  }
}
