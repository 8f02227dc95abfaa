package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Wraps the OTLP span exporter to account for every export in the {@link ExportReport}: delivered
 * or failed, and a failing endpoint said in one line at most once a minute (the SDK's own report
 * goes to java.util.logging, one record with a stack trace per failed batch, and is switched off).
 */
final class ReportingSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final String endpoint;
  private final ExportReport report;

  ReportingSpanExporter(SpanExporter delegate, String endpoint, ExportReport report) {
    this.delegate = delegate;
    this.endpoint = endpoint;
    this.report = report;
    report.tracesEndpoint(endpoint);
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = delegate.export(spans);
    try {
      report.spansExported(spans, result, endpoint);
    } catch (Throwable ignored) {
      // the report must never disturb the export
    }
    return result;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "Reporting{" + delegate + "}";
  }
}
