package dev.handshakeagent.agent.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A handshake started while the application has a current span (an HTTP client call, say) becomes
 * that span's child: the root's parent is the OpenTelemetry context of the starting thread.
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

  private static SpanData byName(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
