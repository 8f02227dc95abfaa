package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Wraps the configured span exporter to say, in one line at most once a minute, that exports to the
 * endpoint fail (the SDK's own report goes to java.util.logging, which an application may silence
 * or whose handlers are gone at JVM exit).
 */
final class ReportingSpanExporter implements SpanExporter {
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final SpanExporter delegate;
  private final String endpoint;
  private final Consumer<String> warn;
  private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  private final AtomicLong failedSpans = new AtomicLong();

  ReportingSpanExporter(SpanExporter delegate, String endpoint, Consumer<String> warn) {
    this.delegate = delegate;
    this.endpoint = endpoint;
    this.warn = warn;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = delegate.export(spans);
    int count = spans.size();
    result.whenComplete(
        () -> {
          if (!result.isSuccess()) {
            long failed = failedSpans.addAndGet(count);
            long last = lastReport.get();
            long now = System.nanoTime();
            if (now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now)) {
              failedSpans.set(0);
              warn.accept(
                  "exporting spans to "
                      + endpoint
                      + " failed ("
                      + failed
                      + " spans so far);"
                      + " check otel.exporter.otlp.endpoint and the collector");
            }
          }
        });
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
