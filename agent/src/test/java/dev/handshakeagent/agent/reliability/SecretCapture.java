package dev.handshakeagent.agent.reliability;

import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsRun;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;

/**
 * Runs handshakes whose key material the test knows, and collects that material: the private keys
 * of the test PKI, and from the test's own side of every connection the session ids, TLS 1.2 master
 * secrets, TLS 1.3 resumption master secrets, PSKs and PSK identities (read from the JDK's session
 * objects, which needs {@code sun.security.ssl} opened to the test), the exported keying material
 * (JDK 25+), and what a wire tap sees in the clear: session tickets, PSK identities and binders.
 * Used in the test JVM and, through {@link SecretsMain}, in a child JVM.
 */
final class SecretCapture {
  /** Secrets shorter than this are not searched for (too likely to match by chance). */
  static final int MIN_LENGTH = 8;

  /** One piece of key material. */
  static final class Secret {
    final String name;
    final byte[] bytes;

    Secret(String name, byte[] bytes) {
      this.name = name;
      this.bytes = bytes;
    }
  }

  final List<Secret> secrets = Collections.synchronizedList(new ArrayList<>());

  /** How many secrets of each kind were collected. */
  final Map<String, Integer> kinds = Collections.synchronizedMap(new LinkedHashMap<>());

  private final ExecutorService tasks =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "secrets-delegated-tasks");
            t.setDaemon(true);
            return t;
          });

  void add(String kind, String where, byte[] bytes) {
    if (bytes == null || bytes.length < MIN_LENGTH) {
      return;
    }
    secrets.add(new Secret(kind + " (" + where + ")", bytes.clone()));
    kinds.merge(kind, 1, Integer::sum);
  }

  int count(String kind) {
    return kinds.getOrDefault(kind, 0);
  }

  /** Everything: private keys, then the handshakes. */
  void runAll() throws Exception {
    privateKeys();
    SSLContext server = TestPki.serverContext(TestPki.Server.RSA);
    // TLS 1.3 with client certificates, full and resumed (PSK), through the tap.
    sockets("TLSv1.3 mTLS", server, TestPki.clientContext(true), "TLSv1.3", true, 2);
    // TLS 1.2, full and resumed by session ticket.
    sockets("TLSv1.2", server, TestPki.clientContext(false), "TLSv1.2", false, 2);
    // TLS 1.2 resumed by session id (no tickets; the JDK reads these when a context is made).
    String[] keys = {
      "jdk.tls.server.enableSessionTicketExtension", "jdk.tls.client.enableSessionTicketExtension"
    };
    SSLContext noTicketServer;
    SSLContext noTicketClient;
    try {
      System.setProperty(keys[0], "false");
      System.setProperty(keys[1], "false");
      noTicketServer = TestPki.serverContext(TestPki.Server.EC);
      noTicketClient = TestPki.clientContext(false);
    } finally {
      System.clearProperty(keys[0]);
      System.clearProperty(keys[1]);
    }
    sockets("TLSv1.2 session id", noTicketServer, noTicketClient, "TLSv1.2", false, 2);
    // SSLEngine pairs.
    engines("TLSv1.3 engine", "TLSv1.3", 41_001);
    engines("TLSv1.2 engine", "TLSv1.2", 41_002);
    // A failed handshake with the same keys in play.
    sockets(
        "untrusted",
        TestPki.serverContext(TestPki.Server.UNTRUSTED),
        TestPki.clientContext(false),
        "TLSv1.3",
        false,
        1);
    tasks.shutdownNow();
  }

  /** The private keys of every key store of the test PKI, whole and by component. */
  void privateKeys() throws Exception {
    List<Path> stores = new ArrayList<>();
    for (TestPki.Server s : TestPki.Server.values()) {
      stores.add(TestPki.keyStore(s));
    }
    stores.add(TestPki.clientKeyStore());
    stores.add(TestPki.dir().resolve("ca.p12"));
    for (Path p : stores) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(p)) {
        ks.load(in, TestPki.PASSWORD);
      }
      for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
        String alias = e.nextElement();
        if (!ks.isKeyEntry(alias)) {
          continue;
        }
        Key k = ks.getKey(alias, TestPki.PASSWORD);
        String where = p.getFileName().toString();
        add("private key PKCS#8", where, k.getEncoded());
        if (k instanceof RSAPrivateCrtKey) {
          RSAPrivateCrtKey r = (RSAPrivateCrtKey) k;
          add("RSA private exponent", where, unsigned(r.getPrivateExponent()));
          add("RSA prime p", where, unsigned(r.getPrimeP()));
          add("RSA prime q", where, unsigned(r.getPrimeQ()));
          add("RSA CRT exponent dP", where, unsigned(r.getPrimeExponentP()));
          add("RSA CRT exponent dQ", where, unsigned(r.getPrimeExponentQ()));
          add("RSA CRT coefficient", where, unsigned(r.getCrtCoefficient()));
        } else if (k instanceof ECPrivateKey) {
          add("EC private scalar", where, unsigned(((ECPrivateKey) k).getS()));
        }
      }
    }
  }

  /**
   * {@code connections} sequential connections from one client context to one server, through a
   * wire tap (one host:port for the client, so the later connections resume).
   */
  void sockets(
      String label,
      SSLContext serverContext,
      SSLContext clientContext,
      String protocol,
      boolean needClientAuth,
      int connections)
      throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try (SSLServerSocket ss =
            (SSLServerSocket)
                serverContext
                    .getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        WireTap tap = new WireTap(ss.getLocalPort())) {
      SSLParameters sp = ss.getSSLParameters();
      sp.setProtocols(new String[] {protocol});
      sp.setNeedClientAuth(needClientAuth);
      ss.setSSLParameters(sp);
      for (int i = 0; i < connections; i++) {
        String where = label + " #" + i;
        Future<?> serverSide =
            exec.submit(
                () -> {
                  try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(15_000);
                    try {
                      s.startHandshake();
                      s.getInputStream().read();
                      s.getOutputStream().write('s');
                      s.getOutputStream().flush();
                      session("server " + where, s.getSession());
                    } catch (IOException e) {
                      // the failing case
                    }
                  }
                  return null;
                });
        try (SSLSocket c =
            (SSLSocket) clientContext.getSocketFactory().createSocket("localhost", tap.port())) {
          c.setSoTimeout(15_000);
          SSLParameters cp = c.getSSLParameters();
          cp.setServerNames(List.of(new SNIHostName("localhost")));
          cp.setProtocols(new String[] {protocol});
          c.setSSLParameters(cp);
          try {
            c.startHandshake();
            c.getOutputStream().write('c');
            c.getOutputStream().flush();
            c.getInputStream().read(); // a TLS 1.3 new_session_ticket arrives with this
            session("client " + where, c.getSession());
          } catch (IOException e) {
            // the failing case
          }
        }
        serverSide.get(20, TimeUnit.SECONDS);
      }
      int n = 0;
      for (WireTap.Connection c : tap.connections()) {
        WireTap.Material m = WireTap.material(c);
        String where = label + " wire #" + n++;
        m.sessionIds.forEach(b -> add("session id on the wire", where, b));
        m.tickets.forEach(b -> add("session ticket", where, b));
        m.pskIdentities.forEach(b -> add("TLS 1.3 PSK identity", where, b));
        m.pskBinders.forEach(b -> add("TLS 1.3 PSK binder", where, b));
      }
    } finally {
      exec.shutdownNow();
    }
    sessionCaches(label, serverContext, clientContext);
  }

  void engines(String label, String protocol, int port) throws Exception {
    SSLEngine c = TestPki.clientContext(false).createSSLEngine("localhost", port);
    c.setUseClientMode(true);
    SSLParameters cp = c.getSSLParameters();
    cp.setProtocols(new String[] {protocol});
    c.setSSLParameters(cp);
    SSLEngine s = TestPki.serverContext(TestPki.Server.EC).createSSLEngine("127.0.0.1", port);
    s.setUseClientMode(false);
    TlsRun.Result r = TlsRun.engines(c, s, port, tasks);
    if (!r.client.startsWith("OK") || !r.server.startsWith("OK")) {
      throw new IllegalStateException(label + ": " + r);
    }
    session("client " + label, c.getSession());
    session("server " + label, s.getSession());
    c.closeOutbound();
    s.closeOutbound();
  }

  /** The sessions both contexts cache (the client's resumable copies hold the PSKs). */
  private void sessionCaches(String label, SSLContext server, SSLContext client) {
    for (SSLSessionContext ctx :
        new SSLSessionContext[] {
          server.getServerSessionContext(), client.getClientSessionContext()
        }) {
      for (Enumeration<byte[]> ids = ctx.getIds(); ids.hasMoreElements(); ) {
        SSLSession s = ctx.getSession(ids.nextElement());
        if (s != null) {
          session(label + " cached", s);
        }
      }
    }
  }

  /** What the test's own side knows of one session. */
  void session(String where, SSLSession s) {
    add("session id", where, s.getId());
    add("TLS 1.2 master secret", where, secretField(s, "masterSecret"));
    add("TLS 1.3 resumption master secret", where, secretField(s, "resumptionMasterSecret"));
    add("TLS 1.3 exporter master secret", where, secretField(s, "exporterMasterSecret"));
    add("TLS 1.3 PSK", where, secretField(s, "preSharedKey"));
    add("TLS 1.3 PSK identity", where, secretField(s, "pskIdentity"));
    if (s instanceof ExtendedSSLSession) {
      try {
        Method export =
            ExtendedSSLSession.class.getMethod(
                "exportKeyingMaterialData", String.class, byte[].class, int.class);
        add(
            "exported keying material",
            where,
            (byte[]) export.invoke(s, "EXPERIMENTAL-handshake-agent", new byte[] {1, 2, 3}, 48));
      } catch (NoSuchMethodException e) {
        // before JDK 25
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not exportable (for example a failed or TLS 1.2 session without extended master secret)
      }
    }
  }

  /** A field of the JDK's SSLSessionImpl: a SecretKey's bytes, or a byte array; else null. */
  static byte[] secretField(SSLSession s, String name) {
    for (Class<?> c = s.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        Object v = f.get(s);
        if (v instanceof SecretKey) {
          return ((SecretKey) v).getEncoded();
        }
        return v instanceof byte[] ? (byte[]) v : null;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException(
            "cannot read " + name + " of " + s.getClass() + "; open sun.security.ssl to the test",
            e);
      }
    }
    return null;
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      byte[] t = new byte[b.length - 1];
      System.arraycopy(b, 1, t, 0, t.length);
      return t;
    }
    return b;
  }
}
