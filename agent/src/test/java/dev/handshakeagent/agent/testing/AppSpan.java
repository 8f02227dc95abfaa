package dev.handshakeagent.agent.testing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;

/**
 * An application with its own OpenTelemetry SDK that runs scenarios inside one of its spans, as an
 * instrumented HTTP client would. Prints {@code APPSPAN <traceId> <spanId>}.
 */
final class AppSpan {
  private AppSpan() {}

  static void run(List<Scenario> scenarios) throws Exception {
    SdkTracerProvider sdk =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Discard()))
            .build();
    Span call = sdk.get("application").spanBuilder("GET /orders").startSpan();
    System.out.println(
        "APPSPAN " + call.getSpanContext().getTraceId() + " " + call.getSpanContext().getSpanId());
    try (Scope ignored = call.makeCurrent()) {
      ScenarioMain.runAll(scenarios);
    } finally {
      call.end();
      sdk.close();
    }
  }

  private static final class Discard implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
