package dev.handshakeagent.agent.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Every handshake case the agent must trace, runnable in the test JVM and, through {@link
 * ScenarioMain}, in a child JVM with the packaged agent (or without it, to compare what the
 * application sees).
 */
public enum Scenario {
  TLS13_SOCKET_RSA,
  TLS13_SOCKET_EC,
  TLS12_SOCKET_ECDHE,
  TLS12_SOCKET_RSA_KEY_EXCHANGE,
  MTLS13_SOCKET,
  MTLS12_SOCKET,
  HELLO_RETRY_SOCKET,
  RESUME13_SOCKET,
  RESUME12_SOCKET,
  RESUME12_SESSION_ID_SOCKET,
  KEY_UPDATE13_SOCKET,
  TLS13_ENGINE,
  TLS12_ENGINE,
  MTLS13_ENGINE,
  UNTRUSTED_SOCKET,
  UNTRUSTED_ENGINE,
  EXPIRED_SOCKET,
  HOSTNAME_MISMATCH_SOCKET,
  CLIENT_CERT_MISSING13,
  CLIENT_CERT_MISSING12,
  PROTOCOL_MISMATCH,
  NO_SHARED_CIPHER,
  PEER_CLOSES_MID_HANDSHAKE,
  CLIENT_HELLO_THEN_CLOSE,
  PLAINTEXT_TO_SERVER,
  HTTPS_HTTP_CLIENT,
  HTTPS_URL_CONNECTION;

  /**
   * Label ports for engine runs (engines have no socket); distinct per run, and below the ephemeral
   * range (32768+) so they never equal a real socket's port.
   */
  private static final AtomicInteger ENGINE_PORT = new AtomicInteger(20_000);

  private static ExecutorService tasks;

  /** The single executor thread that runs SSLEngine delegated tasks. */
  public static synchronized ExecutorService delegatedTasks() {
    if (tasks == null) {
      tasks =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "delegated-task-executor");
                t.setDaemon(true);
                return t;
              });
    }
    return tasks;
  }

  /** Runs the scenario; resumption scenarios return two results (full, then resumed). */
  public List<TlsRun.Result> run() throws Exception {
    switch (this) {
      case TLS13_SOCKET_RSA:
        return one(TlsRun.sockets(server(TestPki.Server.RSA).protocols("TLSv1.3"), client()));
      case TLS13_SOCKET_EC:
        return one(TlsRun.sockets(server(TestPki.Server.EC).protocols("TLSv1.3"), client()));
      case TLS12_SOCKET_ECDHE:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA)
                    .protocols("TLSv1.2")
                    .ciphers("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                client()));
      case TLS12_SOCKET_RSA_KEY_EXCHANGE:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA)
                    .protocols("TLSv1.2")
                    .ciphers("TLS_RSA_WITH_AES_128_GCM_SHA256"),
                client().protocols("TLSv1.2").ciphers("TLS_RSA_WITH_AES_128_GCM_SHA256")));
      case MTLS13_SOCKET:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.3").needClientAuth(),
                TlsConfig.client(true)));
      case MTLS12_SOCKET:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.2").needClientAuth(),
                TlsConfig.client(true)));
      case HELLO_RETRY_SOCKET:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.3").forceHelloRetry(), client()));
      case RESUME13_SOCKET:
        {
          SSLContext shared = TestPki.clientContext(false);
          return TlsRun.sockets(
              server(TestPki.Server.RSA).protocols("TLSv1.3"), TlsConfig.client(shared), 2);
        }
      case RESUME12_SOCKET:
        {
          SSLContext shared = TestPki.clientContext(false);
          return TlsRun.sockets(
              server(TestPki.Server.RSA).protocols("TLSv1.2"), TlsConfig.client(shared), 2);
        }
      case RESUME12_SESSION_ID_SOCKET:
        {
          // Without session tickets, TLS 1.2 resumes by session id. The JDK reads these
          // properties when an SSLContext is created.
          String[] keys = {
            "jdk.tls.server.enableSessionTicketExtension",
            "jdk.tls.client.enableSessionTicketExtension"
          };
          String[] old = {System.getProperty(keys[0]), System.getProperty(keys[1])};
          TlsConfig server;
          SSLContext shared;
          try {
            System.setProperty(keys[0], "false");
            System.setProperty(keys[1], "false");
            server = server(TestPki.Server.RSA).protocols("TLSv1.2");
            shared = TestPki.clientContext(false);
          } finally {
            for (int i = 0; i < keys.length; i++) {
              if (old[i] == null) {
                System.clearProperty(keys[i]);
              } else {
                System.setProperty(keys[i], old[i]);
              }
            }
          }
          return TlsRun.sockets(server, TlsConfig.client(shared), 2);
        }
      case KEY_UPDATE13_SOCKET:
        return one(
            TlsRun.sockets(server(TestPki.Server.RSA).protocols("TLSv1.3"), client().keyUpdate()));
      case TLS13_ENGINE:
        return one(engines(server(TestPki.Server.RSA).protocols("TLSv1.3"), client()));
      case TLS12_ENGINE:
        return one(engines(server(TestPki.Server.EC).protocols("TLSv1.2"), client()));
      case MTLS13_ENGINE:
        return one(
            engines(
                server(TestPki.Server.RSA).protocols("TLSv1.3").needClientAuth(),
                TlsConfig.client(true)));
      case UNTRUSTED_SOCKET:
        return one(TlsRun.sockets(server(TestPki.Server.UNTRUSTED), client()));
      case UNTRUSTED_ENGINE:
        return one(engines(server(TestPki.Server.UNTRUSTED), client()));
      case EXPIRED_SOCKET:
        return one(TlsRun.sockets(server(TestPki.Server.EXPIRED), client()));
      case HOSTNAME_MISMATCH_SOCKET:
        return one(TlsRun.sockets(server(TestPki.Server.WRONG_HOST), client().hostnameCheck()));
      case CLIENT_CERT_MISSING13:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.3").needClientAuth(), client()));
      case CLIENT_CERT_MISSING12:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.2").needClientAuth(), client()));
      case PROTOCOL_MISMATCH:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.3"), client().protocols("TLSv1.2")));
      case NO_SHARED_CIPHER:
        return one(
            TlsRun.sockets(
                server(TestPki.Server.RSA).protocols("TLSv1.3").ciphers("TLS_AES_256_GCM_SHA384"),
                client().protocols("TLSv1.3").ciphers("TLS_AES_128_GCM_SHA256")));
      case PEER_CLOSES_MID_HANDSHAKE:
        return one(TlsRun.rawServerCloses(client()));
      case CLIENT_HELLO_THEN_CLOSE:
        return one(
            TlsRun.rawClient(server(TestPki.Server.RSA), TlsRun.clientHelloBytes(client()), 0));
      case PLAINTEXT_TO_SERVER:
        return one(
            TlsRun.rawClient(
                server(TestPki.Server.RSA),
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                0));
      case HTTPS_HTTP_CLIENT:
        return one(Https.httpClient());
      case HTTPS_URL_CONNECTION:
        return one(Https.urlConnection());
      default:
        throw new IllegalStateException(name());
    }
  }

  private static TlsConfig server(TestPki.Server cert) {
    return TlsConfig.server(cert);
  }

  private static TlsConfig client() {
    return TlsConfig.client(false);
  }

  private static TlsRun.Result engines(TlsConfig server, TlsConfig client) throws Exception {
    return TlsRun.engines(server, client, ENGINE_PORT.incrementAndGet(), delegatedTasks());
  }

  private static List<TlsRun.Result> one(TlsRun.Result r) {
    return List.of(r);
  }
}
