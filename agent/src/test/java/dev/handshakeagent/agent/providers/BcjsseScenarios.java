package dev.handshakeagent.agent.providers;

import dev.handshakeagent.agent.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * BCJSSE handshakes over loopback and in memory, with the provider objects used explicitly (the
 * JVM's provider list is left alone): shared by the in-process test and, as a main class, by the
 * packaged test's child JVMs, which run every scenario with and without the agent.
 */
public final class BcjsseScenarios {

  static final BouncyCastleJsseProvider BCJSSE =
      new BouncyCastleJsseProvider(new BouncyCastleProvider());

  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "bcjsse-scenario");
            t.setDaemon(true);
            return t;
          });

  /** BCJSSE logs every connection at INFO on stderr: kept quiet so the agent's lines stand out. */
  private static final Logger BC_LOG = Logger.getLogger("org.bouncycastle");

  private BcjsseScenarios() {}

  /**
   * Runs every scenario and prints one {@code RESULT name outcome} line each: the protocol and
   * cipher suite, or the exception's class (BCJSSE's messages carry object ids).
   */
  public static void main(String[] args) throws Exception {
    BC_LOG.setLevel(Level.OFF);
    SSLContext rsa = context(TestPki.keyStore(TestPki.Server.RSA));
    SSLContext ec = context(TestPki.keyStore(TestPki.Server.EC));
    SSLContext untrusted = context(TestPki.keyStore(TestPki.Server.UNTRUSTED));
    SSLContext client = context(null);
    SSLContext clientWithKey = context(TestPki.clientKeyStore());
    print("tls13_engine", engines(rsa, client, "TLSv1.3", false));
    List<String> resumed = sockets(ec, clientWithKey, "TLSv1.2", true, 2);
    print("mtls12_socket", resumed.get(0));
    print("mtls12_socket_resumed", resumed.get(1));
    print("tls13_socket", sockets(rsa, client, "TLSv1.3", false, 1).get(0));
    print("untrusted_engine", engines(untrusted, client, "TLSv1.3", false));
    print("no_client_certificate_engine", engines(rsa, client, "TLSv1.3", true));
    print("protocol_mismatch_engine", mismatchedEngines(rsa, client));
    print("peer_closes_socket", peerCloses(client));
    System.out.println("DONE");
    // Runs on like a service would for a moment: the agent's first export (SDK start-up included)
    // then completes while the JVM runs, not in its 2 s exit budget on a loaded machine.
    Thread.sleep(Long.getLong("bcjsse.linger.millis", 0));
  }

  private static void print(String name, String result) {
    int space = result.indexOf(' ');
    String shown =
        result.startsWith("FAILED")
            ? "FAILED " + result.substring(space + 1).split("[: ]")[0]
            : result;
    System.out.println("RESULT " + name + " " + shown);
  }

  /** A client handshake against a server that reads the first bytes and closes. */
  static String peerCloses(SSLContext client) throws Exception {
    String result;
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Future<?> closer =
          POOL.submit(
              () -> {
                try (Socket a = plain.accept()) {
                  a.getInputStream().read(new byte[5]); // the client_hello's record header
                }
                return null;
              });
      try (SSLSocket s =
          (SSLSocket) client.getSocketFactory().createSocket("localhost", plain.getLocalPort())) {
        s.startHandshake();
        result = "OK";
      } catch (IOException e) {
        result = "FAILED " + e;
      }
      closer.get(20, TimeUnit.SECONDS);
    }
    return result;
  }

  static SSLContext context(Path keyStore) throws Exception {
    KeyManagerFactory kmf = null;
    if (keyStore != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        ks.load(in, TestPki.PASSWORD);
      }
      kmf = KeyManagerFactory.getInstance("PKIX", BCJSSE);
      kmf.init(ks, TestPki.PASSWORD);
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(TestPki.trustStore())) {
      ts.load(in, TestPki.PASSWORD);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", BCJSSE);
    tmf.init(ts);
    SSLContext c = SSLContext.getInstance("TLS", BCJSSE);
    c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    return c;
  }

  /** An in-memory engine pair: {@code OK <protocol> <cipher>} or {@code FAILED <exception>}. */
  static String engines(SSLContext server, SSLContext client, String protocol, boolean needAuth) {
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    s.setNeedClientAuth(needAuth);
    SSLEngine c = client.createSSLEngine("localhost", 443);
    c.setUseClientMode(true);
    c.setEnabledProtocols(new String[] {protocol});
    return pump(c, s);
  }

  static String mismatchedEngines(SSLContext server, SSLContext client) {
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    SSLEngine c = client.createSSLEngine("localhost", 443);
    c.setUseClientMode(true);
    c.setEnabledProtocols(new String[] {"TLSv1.2"});
    return pump(c, s);
  }

  private static String pump(SSLEngine c, SSLEngine s) {
    int size = 1 << 17;
    ByteBuffer c2s = ByteBuffer.allocate(size);
    ByteBuffer s2c = ByteBuffer.allocate(size);
    ByteBuffer app = ByteBuffer.allocate(size);
    ByteBuffer empty = ByteBuffer.allocate(0);
    try {
      c.beginHandshake();
      s.beginHandshake();
      for (int i = 0; i < 200; i++) {
        c.wrap(empty, c2s);
        s.wrap(empty, s2c);
        c2s.flip();
        s.unwrap(c2s, app);
        c2s.compact();
        app.clear();
        s2c.flip();
        c.unwrap(s2c, app);
        s2c.compact();
        app.clear();
        runTasks(c);
        runTasks(s);
        if (done(c) && done(s)) {
          return "OK " + c.getSession().getProtocol() + " " + c.getSession().getCipherSuite();
        }
      }
      return "STUCK";
    } catch (Exception e) {
      // Let the peer read the alert the failing side wrote, as an application would.
      try {
        c.wrap(empty, c2s);
        s.wrap(empty, s2c);
        c2s.flip();
        s.unwrap(c2s, app);
        s2c.flip();
        c.unwrap(s2c, app);
      } catch (Exception ignored) {
        // the other side failed too
      }
      return "FAILED " + e;
    }
  }

  private static boolean done(SSLEngine e) {
    SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
    return h == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || h == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine e) {
    Runnable t;
    while ((t = e.getDelegatedTask()) != null) {
      t.run();
    }
  }

  /** {@code count} socket connections, one after the other, on one server socket. */
  static List<String> sockets(
      SSLContext server, SSLContext client, String protocol, boolean needAuth, int count)
      throws Exception {
    List<String> out = new ArrayList<>();
    try (SSLServerSocket ss =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      ss.setNeedClientAuth(needAuth);
      Future<?> serving =
          POOL.submit(
              () -> {
                for (int i = 0; i < count; i++) {
                  try (SSLSocket a = (SSLSocket) ss.accept()) {
                    a.getOutputStream().write(a.getInputStream().read());
                  }
                }
                return null;
              });
      for (int i = 0; i < count; i++) {
        try (SSLSocket s =
            (SSLSocket) client.getSocketFactory().createSocket("localhost", ss.getLocalPort())) {
          s.setEnabledProtocols(new String[] {protocol});
          OutputStream o = s.getOutputStream();
          o.write(7);
          o.flush();
          s.getInputStream().read();
          out.add("OK " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite());
        } catch (Exception e) {
          out.add("FAILED " + e);
        }
      }
      serving.get(20, TimeUnit.SECONDS);
    }
    return out;
  }
}
