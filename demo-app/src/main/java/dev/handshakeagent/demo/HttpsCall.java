package dev.handshakeagent.demo;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS call between two unmodified JDK stacks: {@link HttpClient} (SSLEngine underneath) calls
 * the JDK's {@link HttpsServer}. Neither exposes handshake timing, so the outcomes carry none; the
 * server side is OK when the request reached the handler over TLS.
 */
final class HttpsCall {
  private static final String PATH = "/hello";

  private HttpsCall() {}

  static Exchange run(SSLContext serverContext, SSLContext clientContext) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    AtomicReference<Outcome> served = new AtomicReference<>();
    server.createContext(
        PATH,
        exchange -> {
          served.set(Outcome.ok(((HttpsExchange) exchange).getSSLSession(), null));
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    int port = server.getAddress().getPort();
    try {
      Outcome client = call(clientContext, port);
      Outcome serverSide = served.get();
      return Exchange.of(
          port,
          client,
          serverSide != null ? serverSide : Outcome.notReached("the request never reached it"));
    } finally {
      server.stop(0);
    }
  }

  private static Outcome call(SSLContext clientContext, int port) {
    // A new client per call, so every run makes a new connection and handshake.
    HttpClient client =
        HttpClient.newBuilder().sslContext(clientContext).connectTimeout(Lab.TIMEOUT).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://" + TlsSide.HOST + ":" + port + PATH))
            .timeout(Lab.TIMEOUT)
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 || response.sslSession().isEmpty()) {
        return Outcome.failed(
            new IOException("HTTP " + response.statusCode() + " " + response.body()),
            Outcome.Stage.AFTER_HANDSHAKE,
            null);
      }
      return Outcome.ok(response.sslSession().get(), null);
    } catch (IOException e) {
      return Outcome.failed(e, Outcome.Stage.HANDSHAKE, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed(e, Outcome.Stage.HANDSHAKE, null);
    }
  }
}
