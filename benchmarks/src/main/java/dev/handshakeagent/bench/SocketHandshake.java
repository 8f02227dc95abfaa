package dev.handshakeagent.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One full TLS 1.3 handshake per operation over a loopback TCP connection: the client connects to
 * 127.0.0.1, handshakes, reads the server's one byte (so both sides are done) and closes; a server
 * thread accepts, handshakes, writes one byte and closes. The client's session is invalidated, so
 * every handshake is a full one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SocketHandshake {
  private Workload.Contexts contexts;
  private SSLServerSocket listener;
  private Thread server;

  @Setup
  public void setUp() throws Exception {
    contexts = Workload.TLS13_EC.contexts();
    listener = (SSLServerSocket) contexts.server.getServerSocketFactory().createServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    listener.setSSLParameters(contexts.parameters(listener.getSSLParameters(), true));
    server = new Thread(this::serve, "bench-tls-server");
    server.setDaemon(true);
    server.start();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try (SSLSocket s = (SSLSocket) listener.accept()) {
        s.startHandshake();
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
      } catch (SocketException closed) {
        if (listener.isClosed()) {
          return;
        }
      } catch (IOException e) {
        // One failed connection; the client's operation reports it.
      }
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    listener.close();
    server.join(5_000);
  }

  @Benchmark
  public int handshake() throws Exception {
    try (SSLSocket s =
        (SSLSocket)
            contexts
                .client
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
      s.setSSLParameters(contexts.parameters(s.getSSLParameters(), false));
      s.startHandshake();
      int b = s.getInputStream().read();
      s.getSession().invalidate();
      return b;
    }
  }
}
