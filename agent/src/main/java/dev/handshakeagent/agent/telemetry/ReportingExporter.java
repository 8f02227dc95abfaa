package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the span and the metric exporter wrappers share: plain delegation of flush and shutdown, and
 * the rule that accounting for an export in the {@link ExportReport} never disturbs the export. The
 * two SDK exporter interfaces have no common parent, hence the method references.
 */
abstract class ReportingExporter {
  private final Object delegate;
  private final Supplier<CompletableResultCode> flush;
  private final Supplier<CompletableResultCode> shutdown;
  final String endpoint;
  final ExportReport report;

  ReportingExporter(
      Object delegate,
      Supplier<CompletableResultCode> flush,
      Supplier<CompletableResultCode> shutdown,
      String endpoint,
      ExportReport report) {
    this.delegate = delegate;
    this.flush = flush;
    this.shutdown = shutdown;
    this.endpoint = endpoint;
    this.report = report;
  }

  /**
   * Hands the delegate's result to the report and returns it unchanged, whatever the report does.
   */
  static CompletableResultCode reported(
      CompletableResultCode result, Consumer<CompletableResultCode> report) {
    try {
      report.accept(result);
    } catch (Throwable ignored) {
      // the report must never disturb the export
    }
    return result;
  }

  public CompletableResultCode flush() {
    return flush.get();
  }

  public CompletableResultCode shutdown() {
    return shutdown.get();
  }

  @Override
  public String toString() {
    return "Reporting{" + delegate + "}";
  }
}
