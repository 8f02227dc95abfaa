package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * Wraps the OTLP metric exporter so that failing metric exports are said in one line at most once a
 * minute, like spans (the SDK's own java.util.logging records are switched off).
 */
final class ReportingMetricExporter implements MetricExporter {
  private final MetricExporter delegate;
  private final String endpoint;
  private final ExportReport report;

  ReportingMetricExporter(MetricExporter delegate, String endpoint, ExportReport report) {
    this.delegate = delegate;
    this.endpoint = endpoint;
    this.report = report;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    CompletableResultCode result = delegate.export(metrics);
    try {
      report.metricsExported(result, endpoint);
    } catch (Throwable ignored) {
      // the report must never disturb the export
    }
    return result;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
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
