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
final class ReportingSpanExporter extends ReportingExporter implements SpanExporter {
  private final SpanExporter delegate;

  ReportingSpanExporter(SpanExporter delegate, String endpoint, ExportReport report) {
    super(delegate, delegate::flush, delegate::shutdown, endpoint, report);
    this.delegate = delegate;
    report.tracesEndpoint(endpoint);
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return reported(delegate.export(spans), r -> report.spansExported(spans, r, endpoint));
  }
}
