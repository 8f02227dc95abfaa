package dev.handshakeagent.agent.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TestPki;
import dev.handshakeagent.agent.testing.TlsConfig;
import dev.handshakeagent.agent.testing.TlsRun;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * A handshake started while the application has a current span (an HTTP client call, say) becomes
 * that span's child: the root's parent is the OpenTelemetry context of the starting thread, or, for
 * an SSLEngine whose handshake starts where no span is current, of the thread that made the engine.
 */
class ApplicationParentTest {

  @Test
  void clientRootIsChildOfTheApplicationsCurrentSpan() throws Exception {
    ScenarioSpans.agent();
    InProcessAgent.reset();
    // The application's own SDK (with a processor: without one the SDK makes no real spans).
    SdkTracerProvider application =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create()))
            .build();
    Span call = application.get("application").spanBuilder("GET /orders").startSpan();
    try (Scope ignored = call.makeCurrent()) {
      Scenario.TLS13_SOCKET_RSA.run(); // the client side runs on this thread
    } finally {
      call.end();
      application.close();
    }
    List<SpanData> spans = InProcessAgent.spans();
    SpanData client = byName(spans, "TLS client handshake localhost");
    assertEquals(call.getSpanContext().getTraceId(), client.getTraceId());
    assertEquals(call.getSpanContext().getSpanId(), client.getParentSpanId());
    // The server accepted on its own thread, where no span was current.
    assertFalse(byName(spans, "TLS server handshake").getParentSpanContext().isValid());
  }

  /**
   * The JDK's HttpClient makes its SSLEngine inside the request and runs the handshake on its
   * selector thread, where no span is current: the engine remembers the span it was made in.
   */
  @Test
  void engineHandshakeOnAnotherThreadIsChildOfTheSpanTheEngineWasMadeIn() throws Exception {
    ScenarioSpans.agent();
    InProcessAgent.reset();
    SdkTracerProvider application =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create()))
            .build();
    TlsConfig server = TlsConfig.server(TestPki.Server.RSA);
    TlsConfig client = TlsConfig.client(false);
    Span call = application.get("application").spanBuilder("GET /engine").startSpan();
    SSLEngine c;
    try (Scope ignored = call.makeCurrent()) {
      c = client.context().createSSLEngine("localhost", 40_001);
    } finally {
      call.end();
    }
    c.setUseClientMode(true);
    SSLEngine s = server.context().createSSLEngine("127.0.0.1", 40_001);
    s.setUseClientMode(false);
    ExecutorService selector = Executors.newSingleThreadExecutor();
    ExecutorService tasks = Executors.newSingleThreadExecutor();
    try {
      // No span is current on the thread that runs both handshakes.
      assertEquals(
          "OK",
          selector
              .submit(() -> TlsRun.engines(c, s, 40_001, tasks).client)
              .get(30, TimeUnit.SECONDS)
              .substring(0, 2));
    } finally {
      selector.shutdown();
      tasks.shutdown();
      application.close();
    }
    List<SpanData> spans = InProcessAgent.spans();
    SpanData root = byName(spans, "TLS client handshake localhost");
    assertEquals(call.getSpanContext().getTraceId(), root.getTraceId());
    assertEquals(call.getSpanContext().getSpanId(), root.getParentSpanId());
    // The server engine was made outside any span: its root starts a trace of its own.
    assertFalse(byName(spans, "TLS server handshake").getParentSpanContext().isValid());
  }

  private static SpanData byName(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
