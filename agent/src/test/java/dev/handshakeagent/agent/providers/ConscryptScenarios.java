package dev.handshakeagent.agent.providers;

import dev.handshakeagent.agent.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.conscrypt.Conscrypt;

/**
 * Conscrypt 2.5.2 installed as the first security provider (in this child JVM only): an {@code
 * SSLEngine} pair in memory (success, mutual TLS, the four failures) and {@code HttpsURLConnection}
 * against {@code openssl s_server}, twice, the second resumed.
 */
final class ConscryptScenarios {
  private ConscryptScenarios() {}

  static void run(Consumer<String> out) throws Exception {
    Provider conscrypt = Conscrypt.newProvider();
    Security.insertProviderAt(conscrypt, 1);
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_TLS13",
            TestPki.Server.RSA,
            false,
            true,
            "TLSv1.3",
            "TLSv1.3",
            false));
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_TLS12",
            TestPki.Server.RSA,
            false,
            true,
            "TLSv1.2",
            "TLSv1.2",
            false));
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_MTLS", TestPki.Server.RSA, true, true, "TLSv1.3", "TLSv1.3", false));
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_UNTRUSTED",
            TestPki.Server.UNTRUSTED,
            false,
            false,
            "TLSv1.3",
            "TLSv1.3",
            false));
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_NO_CLIENT_CERT",
            TestPki.Server.RSA,
            true,
            false,
            "TLSv1.2",
            "TLSv1.2",
            false));
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_PROTOCOL",
            TestPki.Server.RSA,
            false,
            false,
            "TLSv1.3",
            "TLSv1.2",
            false));
    out.accept(
        engines(
            "CONSCRYPT_ENGINE_PEER_CLOSES",
            TestPki.Server.RSA,
            false,
            false,
            "TLSv1.3",
            "TLSv1.3",
            true));
    https(out, "TLS12", "-tls1_2");
    https(out, "TLS13", "-tls1_3");
  }

  static SSLContext context(Path keyStore) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        keyStore == null ? null : Pki.keyManagers(keyStore).getKeyManagers(),
        Pki.trustManagers().getTrustManagers(),
        null);
    return ctx;
  }

  /**
   * A client and a server engine of the first provider, talking through buffers on this thread.
   * {@code peerCloses}: the server reads the client_hello and the client is then closed, as an
   * application does whose peer went away.
   */
  static String engines(
      String name,
      TestPki.Server cert,
      boolean requireClient,
      boolean clientKey,
      String serverProtocol,
      String clientProtocol,
      boolean peerCloses)
      throws Exception {
    long start = ProvidersMain.now();
    SSLEngine server = context(TestPki.keyStore(cert)).createSSLEngine();
    server.setUseClientMode(false);
    server.setNeedClientAuth(requireClient);
    server.setEnabledProtocols(new String[] {serverProtocol});
    SSLEngine client =
        context(clientKey ? TestPki.clientKeyStore() : null).createSSLEngine("localhost", 443);
    client.setUseClientMode(true);
    client.setEnabledProtocols(new String[] {clientProtocol});
    String provider = client.getClass().getSimpleName();
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    ByteBuffer app = ByteBuffer.allocate(1 << 17);
    ByteBuffer empty = ByteBuffer.allocate(0);
    String clientSaw = null;
    String serverSaw = null;
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 50 && (clientSaw == null || serverSaw == null); round++) {
      if (clientSaw == null) {
        try {
          step(client, empty, toServer, toClient, app);
          if (done(client)) {
            clientSaw = "OK " + client.getSession().getProtocol();
          }
        } catch (SSLException e) {
          clientSaw = "FAIL " + e.getClass().getSimpleName();
        }
      }
      if (peerCloses && toServer.position() > 0) {
        client.closeOutbound();
        try {
          client.closeInbound();
        } catch (SSLException e) {
          // the closing engine's complaint about a missing close_notify
        }
        clientSaw = "CLOSED";
        serverSaw = "-";
        break;
      }
      if (serverSaw == null) {
        try {
          step(server, empty, toClient, toServer, app);
          if (done(server)) {
            serverSaw = "OK " + server.getSession().getProtocol();
          }
        } catch (SSLException e) {
          serverSaw = "FAIL " + e.getClass().getSimpleName();
        }
      }
    }
    // A TLS 1.3 client learns of a rejection only from the server's next record.
    if (clientSaw != null && clientSaw.startsWith("OK") && toClient.position() > 0) {
      try {
        step(client, empty, toServer, toClient, app);
      } catch (SSLException e) {
        clientSaw += " then FAIL " + e.getClass().getSimpleName();
      }
    }
    client.closeOutbound();
    server.closeOutbound();
    return ProvidersMain.result(
        name, start, 0, "engine=" + provider + " client=" + clientSaw + " server=" + serverSaw);
  }

  static boolean done(SSLEngine e) {
    SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
    return hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || hs == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** One wrap into {@code out} and one unwrap of everything in {@code in}; tasks run here. */
  static void step(SSLEngine e, ByteBuffer src, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws SSLException {
    e.wrap(src, out);
    runTasks(e);
    in.flip();
    while (in.hasRemaining()) {
      SSLEngineResult r = e.unwrap(in, app);
      runTasks(e);
      app.clear();
      if (r.bytesConsumed() == 0) {
        break;
      }
    }
    in.compact();
    e.wrap(src, out);
    runTasks(e);
  }

  static void runTasks(SSLEngine e) {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** HttpsURLConnection (Conscrypt's engine socket) against openssl s_server, twice: resumed. */
  static void https(Consumer<String> out, String tag, String version) throws Exception {
    long start = ProvidersMain.now();
    Path dir = Files.createTempDirectory("jni-sserver");
    Path keyPem = dir.resolve("server.pem");
    writePem(TestPki.keyStore(TestPki.Server.RSA), keyPem);
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process sServer =
        new ProcessBuilder(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:" + port,
                "-cert",
                keyPem.toString(),
                "-www",
                "-quiet",
                version)
            .redirectErrorStream(true)
            .start();
    try {
      waitForPort(port);
      SSLContext ctx = context(null);
      StringBuilder saw = new StringBuilder();
      for (int i = 0; i < 2; i++) {
        if (i > 0) {
          // BoringSSL keeps a session's creation time in whole seconds, which is how a resumed
          // session is told from a new one: the second connection starts in a later second.
          Thread.sleep(1_100);
        }
        HttpsURLConnection c =
            (HttpsURLConnection) new URL("https://localhost:" + port + "/").openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setRequestProperty("Connection", "close");
        int code = c.getResponseCode();
        try (InputStream in = c.getInputStream()) {
          in.readAllBytes();
        }
        saw.append(" ").append(code);
        c.disconnect();
      }
      out.accept(
          ProvidersMain.result(
              "CONSCRYPT_HTTPS_URL_CONNECTION_" + tag,
              start,
              port,
              "status=" + saw.toString().trim()));
    } finally {
      sServer.destroy();
      sServer.waitFor(5, TimeUnit.SECONDS);
    }
  }

  static void waitForPort(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("openssl s_server did not start");
  }

  /** The first key entry of a PKCS#12 store as PEM: private key, then its chain. */
  static void writePem(Path p12, Path pem) throws Exception {
    KeyStore ks = Pki.load(p12);
    String alias = ks.aliases().nextElement();
    Key key = ks.getKey(alias, TestPki.PASSWORD);
    Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    try (Writer w = Files.newBufferedWriter(pem, StandardCharsets.US_ASCII)) {
      w.write(
          "-----BEGIN PRIVATE KEY-----\n"
              + b64.encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n");
      for (Certificate c : ks.getCertificateChain(alias)) {
        w.write(
            "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
      }
    }
  }
}
