package dev.handshakeagent.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;

/**
 * A real OTLP/HTTP (protobuf) trace and metrics receiver on loopback, as a collector would be, or
 * an OTLP/gRPC one ({@link #grpc()}): decodes every export request and keeps the spans with their
 * resource and scope.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** One received span, the resource it was exported with and its instrumentation scope's name. */
  public static final class Received {
    public final Span span;
    public final Resource resource;
    public final String scope;

    Received(Span span, Resource resource, String scope) {
      this.span = span;
      this.resource = resource;
      this.scope = scope;
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

  /** The HTTP server; null for a gRPC receiver. */
  private final HttpServer server;

  /** The gRPC server; null for an HTTP receiver. */
  private final Server grpc;

  private final List<Received> spans = new ArrayList<>();
  private final List<Metric> metrics = new ArrayList<>();
  private final List<Resource> metricResources = new ArrayList<>();
  private int requests;

  private final String scheme;

  /**
   * An OTLP/gRPC receiver (plaintext HTTP/2 on loopback): the trace and metrics services' {@code
   * Export} methods, decoded like the HTTP ones.
   */
  public static OtlpReceiver grpc() throws IOException {
    return new OtlpReceiver(
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
  }

  private OtlpReceiver(NettyServerBuilder builder) throws IOException {
    server = null;
    scheme = "http";
    grpc =
        builder
            .addService(
                exportService(
                    "opentelemetry.proto.collector.trace.v1.TraceService",
                    in -> {
                      acceptTraces(ExportTraceServiceRequest.parseFrom(in));
                      return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                    }))
            .addService(
                exportService(
                    "opentelemetry.proto.collector.metrics.v1.MetricsService",
                    in -> {
                      acceptMetrics(ExportMetricsServiceRequest.parseFrom(in));
                      return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                    }))
            .build()
            .start();
  }

  /** A service with one unary {@code Export} method taking and answering protobuf bytes. */
  private static ServerServiceDefinition exportService(String service, Handler handler) {
    MethodDescriptor.Marshaller<byte[]> bytes =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Export"))
            .setRequestMarshaller(bytes)
            .setResponseMarshaller(bytes)
            .build();
    return ServerServiceDefinition.builder(service)
        .addMethod(
            export,
            ServerCalls.asyncUnaryCall(
                (byte[] request, StreamObserver<byte[]> response) -> {
                  try {
                    response.onNext(handler.handle(new ByteArrayInputStream(request)));
                    response.onCompleted();
                  } catch (IOException | RuntimeException e) {
                    response.onError(Status.INVALID_ARGUMENT.withCause(e).asRuntimeException());
                  }
                }))
        .build();
  }

  private synchronized void acceptTraces(ExportTraceServiceRequest request) {
    requests++;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          spans.add(new Received(s, rs.getResource(), ss.getScope().getName()));
        }
      }
    }
  }

  private synchronized void acceptMetrics(ExportMetricsServiceRequest request) {
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        metrics.addAll(sm.getMetricsList());
        for (int i = 0; i < sm.getMetricsCount(); i++) {
          metricResources.add(rm.getResource());
        }
      }
    }
  }

  /** Plain HTTP. */
  public OtlpReceiver() throws IOException {
    this((SSLContext) null);
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
    grpc = null;
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
                  acceptTraces(ExportTraceServiceRequest.parseFrom(in));
                  return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                }));
    server.createContext(
        "/v1/metrics",
        exchange ->
            receive(
                exchange,
                in -> {
                  acceptMetrics(ExportMetricsServiceRequest.parseFrom(in));
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

  /** The resource each of {@link #metrics()} was exported with, in the same order. */
  public synchronized List<Resource> metricResources() {
    return new ArrayList<>(metricResources);
  }

  /** The value for {@code otel.exporter.otlp.endpoint} ({@code https://localhost:port}). */
  public String endpoint() {
    String host = scheme.equals("https") ? "localhost" : "127.0.0.1";
    return scheme + "://" + host + ":" + port();
  }

  public int port() {
    return grpc != null ? grpc.getPort() : server.getAddress().getPort();
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
    if (grpc != null) {
      grpc.shutdownNow();
    } else {
      server.stop(0);
    }
  }

  /** The value of a resource's attribute {@code key} as text, or null. */
  public static String attr(Resource resource, String key) {
    return value(resource.getAttributesList(), key);
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
