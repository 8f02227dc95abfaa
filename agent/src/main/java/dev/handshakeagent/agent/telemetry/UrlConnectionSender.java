package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * The OTLP/HTTP sender of the agent's exporters, on {@link HttpURLConnection}. The SDK's JDK sender
 * starts a {@code java.net.http.HttpClient}, which in a JVM's first seconds costs about 0.7 s of
 * CPU and 25 MB (its selector thread, its classes, and the JDK's default {@code SSLContext} with
 * the whole {@code cacerts} even for plain HTTP); this one costs a few classes the JDK mostly has
 * in its class data archive. Same contract: one request per export, on the configured executor
 * (else one daemon thread of its own), the configured timeouts, headers, compression, proxy, TLS
 * context and retry policy; any HTTP status is a response, an I/O failure an error.
 */
final class UrlConnectionSender implements HttpSender {

  /** The statuses the OTLP specification says to retry. */
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

  private final HttpSenderConfig config;
  private final ExecutorService executor;
  private final boolean ownExecutor;

  UrlConnectionSender(HttpSenderConfig config) {
    this.config = config;
    ExecutorService configured = config.getExecutorService();
    this.ownExecutor = configured == null;
    this.executor = ownExecutor ? daemonExecutor() : configured;
  }

  private static ExecutorService daemonExecutor() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "handshake-agent-otlp-sender");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  public void send(
      MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    try {
      executor.execute(
          () -> {
            HttpResponse response;
            try {
              response = sendWithRetries(writer);
            } catch (Throwable t) {
              onError.accept(t);
              return;
            }
            onResponse.accept(response);
          });
    } catch (RuntimeException rejected) {
      onError.accept(rejected);
    }
  }

  private HttpResponse sendWithRetries(MessageWriter writer) throws IOException {
    RetryPolicy retry = config.getRetryPolicy();
    int attempts = retry == null ? 1 : Math.max(1, retry.getMaxAttempts());
    long backoffNanos = retry == null ? 0 : retry.getInitialBackoff().toNanos();
    for (int attempt = 1; ; attempt++) {
      HttpResponse response = null;
      IOException failure = null;
      try {
        response = sendOnce(writer);
      } catch (IOException e) {
        failure = e;
      }
      boolean retryable =
          response != null
              ? RETRYABLE.contains(response.getStatusCode())
              : retryableException(retry, failure);
      if (attempt >= attempts || !retryable) {
        if (failure != null) {
          throw failure;
        }
        return response;
      }
      // Exponential backoff with full jitter, as the SDK's own senders do.
      long sleep = ThreadLocalRandom.current().nextLong(Math.max(1, backoffNanos));
      try {
        TimeUnit.NANOSECONDS.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure != null) {
          throw failure;
        }
        return response;
      }
      backoffNanos =
          Math.min(
              (long) (backoffNanos * retry.getBackoffMultiplier()),
              retry.getMaxBackoff().toNanos());
    }
  }

  private static boolean retryableException(RetryPolicy retry, IOException e) {
    if (retry != null && retry.getRetryExceptionPredicate() != null) {
      return retry.getRetryExceptionPredicate().test(e);
    }
    return e instanceof ConnectException || e instanceof SocketTimeoutException;
  }

  private HttpResponse sendOnce(MessageWriter writer) throws IOException {
    URI endpoint = config.getEndpoint();
    HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection(proxy(endpoint));
    try {
      SSLContext tls = config.getSslContext();
      if (tls != null && c instanceof HttpsURLConnection) {
        ((HttpsURLConnection) c).setSSLSocketFactory(tls.getSocketFactory());
      }
      c.setConnectTimeout(millis(config.getConnectTimeout().toMillis()));
      c.setReadTimeout(millis(config.getTimeout().toMillis()));
      c.setUseCaches(false);
      c.setDoOutput(true);
      c.setRequestMethod("POST");
      c.setRequestProperty("Content-Type", config.getContentType());
      Map<String, List<String>> headers = config.getHeadersSupplier().get();
      if (headers != null) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
          for (String v : h.getValue()) {
            c.addRequestProperty(h.getKey(), v);
          }
        }
      }
      Compressor compressor = config.getCompressor();
      if (compressor == null) {
        c.setFixedLengthStreamingMode(writer.getContentLength());
        try (OutputStream out = c.getOutputStream()) {
          writer.writeMessage(out);
        }
      } else {
        c.setRequestProperty("Content-Encoding", compressor.getEncoding());
        c.setChunkedStreamingMode(0);
        try (OutputStream out = compressor.compress(c.getOutputStream())) {
          writer.writeMessage(out);
        }
      }
      int status = c.getResponseCode();
      String message = c.getResponseMessage();
      byte[] body = readBody(c, status);
      return new Response(status, message == null ? "" : message, body);
    } finally {
      c.disconnect();
    }
  }

  private Proxy proxy(URI endpoint) {
    ProxyOptions options = config.getProxyOptions();
    if (options == null) {
      return Proxy.NO_PROXY;
    }
    List<Proxy> proxies = options.getProxySelector().select(endpoint);
    return proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
  }

  private byte[] readBody(HttpURLConnection c, int status) throws IOException {
    InputStream in;
    try {
      in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    } catch (IOException e) {
      in = c.getErrorStream();
    }
    if (in == null) {
      return new byte[0];
    }
    long max = config.getMaxResponseBodySize();
    try (InputStream body = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = body.read(buffer)) > 0) {
        if (max > 0 && out.size() + n > max) {
          throw new IOException("response body larger than " + max + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static int millis(long ms) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ms));
  }

  @Override
  public CompletableResultCode shutdown() {
    if (ownExecutor) {
      executor.shutdown();
    }
    return CompletableResultCode.ofSuccess();
  }

  private static final class Response implements HttpResponse {
    private final int status;
    private final String message;
    private final byte[] body;

    Response(int status, String message, byte[] body) {
      this.status = status;
      this.message = message;
      this.body = body;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusMessage() {
      return message;
    }

    @Override
    public byte[] getResponseBody() {
      return body;
    }
  }
}
