package dev.handshakeagent.agent.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ExportReport}: what it counts (spans and handshake roots handed to the SDK, delivered,
 * failed, the rest dropped or pending), the once-a-minute failure line, and the summary at
 * shutdown.
 */
class ExportReportTest {
  private static final String ENDPOINT = "http://collector.example:4318/v1/traces";

  private final List<String> lines = new ArrayList<>();
  private final ExportReport report = new ExportReport(lines::add);

  /** A tracer whose spans are counted by the report and sent to {@code exporter}, if any. */
  private Tracer tracer(SpanExporter exporter) {
    List<SpanProcessor> processors = new ArrayList<>();
    processors.add(report.counter());
    if (exporter != null) {
      processors.add(
          SimpleSpanProcessor.create(new ReportingSpanExporter(exporter, ENDPOINT, report)));
    }
    return SdkTracerProvider.builder()
        .addSpanProcessor(SpanProcessor.composite(processors))
        .build()
        .get("test");
  }

  /** One handshake: a root (it carries handshake.kept_because) and {@code phases} phase spans. */
  private static void handshake(Tracer tracer, int phases) {
    Span root =
        tracer
            .spanBuilder("TLS client handshake")
            .setAttribute(HandshakeSemconv.KEPT_BECAUSE, HandshakeSemconv.KEPT_SAMPLED)
            .startSpan();
    for (int i = 0; i < phases; i++) {
      tracer
          .spanBuilder("send client_hello")
          .setParent(Context.root().with(root))
          .startSpan()
          .end();
    }
    root.end();
  }

  /** An exporter whose every export fails with {@code error}. */
  private static SpanExporter failing(Throwable error) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofExceptionalFailure(error);
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  @Test
  void nothingToSayWhenEverySpanWasDelivered() {
    InMemorySpanExporter delivered = InMemorySpanExporter.create();
    Tracer tracer = tracer(delivered);
    handshake(tracer, 3);
    handshake(tracer, 2);
    assertEquals(7, delivered.getFinishedSpanItems().size());
    report.closing();
    assertNull(report.summary());
    assertEquals(List.of(), lines);
  }

  @Test
  void failuresOnceAMinuteThenTheSummaryCountsFailedAndDropped() {
    Tracer failing = tracer(failing(new IOException("Connection refused")));
    handshake(failing, 1); // 2 spans, each exported alone (simple processor): both fail
    handshake(failing, 0); // 1 more
    assertEquals(1, lines.size(), "one line for the first failure, then quiet: " + lines);
    assertEquals(
        "exporting spans to "
            + ENDPOINT
            + " failed (1 spans so far; java.io.IOException: Connection refused); check"
            + " otel.exporter.otlp.endpoint and the collector",
        lines.get(0));
    // Handed to the SDK but never exported (a full batch queue drops them, or exit came first).
    handshake(tracer(null), 4);
    report.closing();
    assertEquals(
        "spans not delivered to "
            + ENDPOINT
            + ": 8 of 8 spans (3 of 3 handshakes); 3 failed to send (last error:"
            + " java.io.IOException: Connection refused), 5 dropped from the full export queue or"
            + " still pending at shutdown",
        report.summary());
  }

  @Test
  void duringShutdownFailuresGoOnlyIntoTheSummary() {
    Tracer failing = tracer(failing(new IOException("refused")));
    report.closing();
    handshake(failing, 2);
    assertEquals(List.of(), lines);
    assertTrue(report.summary().contains(": 3 of 3 spans (1 of 1 handshakes); 3 failed to send"));
  }

  @Test
  void deliveredSpansAndRootsAreSubtracted() {
    InMemorySpanExporter delivered = InMemorySpanExporter.create();
    handshake(tracer(delivered), 2);
    handshake(tracer(null), 2);
    assertTrue(
        report
            .summary()
            .contains(": 3 of 6 spans (1 of 2 handshakes); 0 failed to send, 3 dropped"),
        report.summary());
  }

  @Test
  void theReasonIsTheHttpStatusOrTheException() {
    HttpResponse unavailable =
        new HttpResponse() {
          @Override
          public int getStatusCode() {
            return 503;
          }

          @Override
          public String getStatusMessage() {
            return "Service Unavailable";
          }

          @Override
          public byte[] getResponseBody() {
            return new byte[0];
          }
        };
    assertEquals(
        "HTTP 503",
        ExportReport.describe(FailedExportException.httpFailedWithResponse(unavailable)));
    assertEquals(
        "java.net.http.HttpTimeoutException: request timed out",
        ExportReport.describe(
            FailedExportException.httpFailedExceptionally(
                new HttpTimeoutException("request timed out"))));
    assertEquals(
        "java.net.ConnectException",
        ExportReport.describe(
            FailedExportException.httpFailedExceptionally(new ConnectException())));
    assertEquals("no details", ExportReport.describe(null));
  }

  @Test
  void noEndpointNoSummary() {
    // Traces exporter "none" (or not OTLP): nothing is wrapped, nothing is claimed.
    handshake(tracer(null), 1);
    assertNull(report.summary());
  }
}
