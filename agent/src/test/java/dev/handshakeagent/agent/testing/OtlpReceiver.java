package dev.handshakeagent.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;

/**
 * A real OTLP/HTTP (protobuf) trace receiver on loopback, as a collector would be: decodes every
 * export request the agent sends and keeps the spans with their resource.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** One received span and the resource it was exported with. */
  public static final class Received {
    public final Span span;
    public final Resource resource;

    Received(Span span, Resource resource) {
      this.span = span;
      this.resource = resource;
    }

    public String attr(String key) {
      return value(span.getAttributesList(), key);
    }

    public String resourceAttr(String key) {
      return value(resource.getAttributesList(), key);
    }

    public boolean isRoot() {
      return span.getParentSpanId().isEmpty();
    }

    @Override
    public String toString() {
      return span.getName() + " " + span.getAttributesList();
    }
  }

  private final HttpServer server;
  private final List<Received> spans = new ArrayList<>();
  private final List<Metric> metrics = new ArrayList<>();
  private int requests;

  private final String scheme;

  /** Plain HTTP. */
  public OtlpReceiver() throws IOException {
    this(null);
  }

  /** HTTPS with {@code tls} when not null (the agent must not trace its own exporter's TLS). */
  public OtlpReceiver(SSLContext tls) throws IOException {
    this(tls, 0);
  }

  /** Plain HTTP on a given loopback port (a collector that comes back where it was). */
  public OtlpReceiver(int port) throws IOException {
    this(null, port);
  }

  private OtlpReceiver(SSLContext tls, int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (tls == null) {
      server = HttpServer.create(address, 50);
      scheme = "http";
    } else {
      HttpsServer https = HttpsServer.create(address, 50);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
      scheme = "https";
    }
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/v1/traces",
        exchange ->
            receive(
                exchange,
                in -> {
                  ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
                  synchronized (this) {
                    requests++;
                    for (ResourceSpans rs : request.getResourceSpansList()) {
                      for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (Span s : ss.getSpansList()) {
                          spans.add(new Received(s, rs.getResource()));
                        }
                      }
                    }
                  }
                  return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                }));
    server.createContext(
        "/v1/metrics",
        exchange ->
            receive(
                exchange,
                in -> {
                  ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(in);
                  synchronized (this) {
                    for (ResourceMetrics rm : request.getResourceMetricsList()) {
                      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                        metrics.addAll(sm.getMetricsList());
                      }
                    }
                  }
                  return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                }));
    server.start();
  }

  /** Decodes one export request (gunzipped when sent so) and answers with its response. */
  private interface Handler {
    byte[] handle(InputStream request) throws IOException;
  }

  private static void receive(HttpExchange exchange, Handler handler) throws IOException {
    try (InputStream raw = exchange.getRequestBody()) {
      InputStream in =
          "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
              ? new GZIPInputStream(raw)
              : raw;
      byte[] body = handler.handle(in);
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (RuntimeException | IOException e) {
      exchange.sendResponseHeaders(400, -1);
      exchange.close();
    }
  }

  /** Every metric data set received, in arrival order (cumulative temporality: last wins). */
  public synchronized List<Metric> metrics() {
    return new ArrayList<>(metrics);
  }

  /** The value for {@code otel.exporter.otlp.endpoint} ({@code https://localhost:port}). */
  public String endpoint() {
    String host = scheme.equals("https") ? "localhost" : "127.0.0.1";
    return scheme + "://" + host + ":" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public synchronized List<Received> spans() {
    return new ArrayList<>(spans);
  }

  public synchronized int requests() {
    return requests;
  }

  public synchronized void clear() {
    spans.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  public static String value(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        switch (v.getValueCase()) {
          case STRING_VALUE:
            return v.getStringValue();
          case BOOL_VALUE:
            return String.valueOf(v.getBoolValue());
          case INT_VALUE:
            return String.valueOf(v.getIntValue());
          case DOUBLE_VALUE:
            return String.valueOf(v.getDoubleValue());
          default:
            return v.toString();
        }
      }
    }
    return null;
  }
}
