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
final class ReportingMetricExporter extends ReportingExporter implements MetricExporter {
  private final MetricExporter delegate;

  ReportingMetricExporter(MetricExporter delegate, String endpoint, ExportReport report) {
    super(delegate, delegate::flush, delegate::shutdown, endpoint, report);
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    return reported(delegate.export(metrics), r -> report.metricsExported(r, endpoint));
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
}
