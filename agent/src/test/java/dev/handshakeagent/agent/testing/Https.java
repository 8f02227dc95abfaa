package dev.handshakeagent.agent.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Unmodified HTTPS stacks of the JDK: its {@code HttpsServer}, called by {@code
 * java.net.http.HttpClient} (SSLEngine underneath) and by {@code HttpsURLConnection} (SSLSocket).
 */
final class Https {
  private Https() {}

  static TlsRun.Result httpClient() throws Exception {
    SSLContext clientContext = TestPki.clientContext(false);
    return withServer(
        port -> {
          HttpClient client =
              HttpClient.newBuilder()
                  .sslContext(clientContext)
                  .connectTimeout(Duration.ofSeconds(10))
                  .build();
          HttpResponse<String> response =
              client.send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/hello"))
                      .timeout(Duration.ofSeconds(15))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          return "OK HTTP " + response.statusCode() + " " + response.body();
        });
  }

  static TlsRun.Result urlConnection() throws Exception {
    SSLContext clientContext = TestPki.clientContext(false);
    return withServer(
        port -> {
          HttpsURLConnection c =
              (HttpsURLConnection) new URL("https://localhost:" + port + "/hello").openConnection();
          c.setSSLSocketFactory(clientContext.getSocketFactory());
          c.setConnectTimeout(10_000);
          c.setReadTimeout(15_000);
          try (InputStream in = c.getInputStream()) {
            return "OK HTTP "
                + c.getResponseCode()
                + " "
                + new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } finally {
            c.disconnect();
          }
        });
  }

  private interface Call {
    String call(int port) throws Exception;
  }

  private static TlsRun.Result withServer(Call call) throws Exception {
    HttpsServer server = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      HttpsServer candidate =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
      if (TlsRun.claim(candidate.getAddress().getPort())) {
        server = candidate;
        break;
      }
      candidate.stop(0);
    }
    if (server == null) {
      throw new IOException("no fresh loopback port");
    }
    server.setHttpsConfigurator(new HttpsConfigurator(TestPki.serverContext(TestPki.Server.RSA)));
    server.createContext(
        "/hello",
        exchange -> {
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    int port = server.getAddress().getPort();
    try {
      String client;
      try {
        client = call.call(port);
      } catch (IOException e) {
        client = TlsRun.fail(e);
      }
      return new TlsRun.Result(client, "HttpsServer", port);
    } finally {
      server.stop(0);
    }
  }
}
