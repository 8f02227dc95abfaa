package dev.handshakeagent.agent.extension;

import dev.handshakeagent.agent.telemetry.HandshakeExporter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;

/**
 * The OpenTelemetry Java agent's SDK as the exporter's telemetry: its tracer and meter providers,
 * so the handshake spans and metrics get its resource, sampler, processors and exporters. The spans
 * go through its tracer (its span processors are not reachable for the direct path). That agent
 * owns the SDK and shuts it down itself: shutting down here only flushes the spans.
 */
final class SharedTelemetry implements HandshakeExporter.Telemetry {
  private final OpenTelemetrySdk sdk;
  private final String version;

  SharedTelemetry(OpenTelemetrySdk sdk, String version) {
    this.sdk = sdk;
    this.version = version;
  }

  @Override
  public String instrumentationVersion() {
    return version;
  }

  @Override
  public TracerProvider tracerProvider() {
    return sdk.getTracerProvider();
  }

  @Override
  public MeterProvider meterProvider() {
    return sdk.getMeterProvider();
  }

  @Override
  public CompletableResultCode flush() {
    return sdk.getSdkTracerProvider().forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return flush();
  }
}
