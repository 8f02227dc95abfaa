package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What became of the spans the agent handed to the SDK for the OTLP endpoint, and the agent's only
 * log lines about a failing endpoint (the SDK's own java.util.logging records, a SEVERE with a
 * stack trace per failed batch, are switched off by {@link TelemetrySdk}).
 *
 * <p>While the application runs: one line at most once a minute per signal when exports fail. At
 * shutdown ({@link #closing()}, then {@link #summary()}): one line naming the endpoint when spans
 * were not delivered, with how many failed to send and how many were dropped (the SDK's batch queue
 * is bounded and drops spans while the endpoint is failing) or were still pending when the exit
 * budget ran out.
 */
public final class ExportReport {
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Consumer<String> warn;
  private volatile String endpoint;
  private volatile boolean closing;
  private volatile String lastError;

  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong endedRoots = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong deliveredRoots = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private final Throttle spanFailures = new Throttle();
  private final Throttle metricFailures = new Throttle();

  public ExportReport(Consumer<String> warn) {
    this.warn = warn;
  }

  /** Counts sampled spans as they end, i.e. as they are handed to the exporter's batch queue. */
  SpanProcessor counter() {
    return new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {}

      @Override
      public boolean isStartRequired() {
        return false;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        try {
          if (span.getSpanContext().isSampled()) {
            ended.incrementAndGet();
            if (span.getAttribute(HandshakeSemconv.KEPT_BECAUSE) != null) {
              endedRoots.incrementAndGet();
            }
          }
        } catch (Throwable ignored) {
          // counting must never disturb the export
        }
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }
    };
  }

  /** The OTLP span exporter sends to {@code endpoint}: spans are accounted for from now on. */
  void tracesEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  /** One export of {@code spans} to the traces endpoint; {@code result} completes later. */
  void spansExported(Collection<SpanData> spans, CompletableResultCode result, String toEndpoint) {
    int count = spans.size();
    int roots = 0;
    for (SpanData s : spans) {
      if (s.getAttributes().get(HandshakeSemconv.KEPT_BECAUSE) != null) {
        roots++;
      }
    }
    int rootCount = roots;
    result.whenComplete(
        () -> {
          try {
            if (result.isSuccess()) {
              delivered.addAndGet(count);
              deliveredRoots.addAndGet(rootCount);
            } else {
              failed.addAndGet(count);
              String error = describe(result.getFailureThrowable());
              lastError = error;
              spanFailures.failed(count, "spans", "spans", toEndpoint, error);
            }
          } catch (Throwable ignored) {
            // the report must never disturb the export
          }
        });
  }

  /** One export of metrics to {@code toEndpoint}. */
  void metricsExported(CompletableResultCode result, String toEndpoint) {
    result.whenComplete(
        () -> {
          try {
            if (!result.isSuccess()) {
              metricFailures.failed(
                  1, "metrics", "exports", toEndpoint, describe(result.getFailureThrowable()));
            }
          } catch (Throwable ignored) {
            // the report must never disturb the export
          }
        });
  }

  /** Shutdown has begun: failures from now on are summed up by {@link #summary()}. */
  public void closing() {
    closing = true;
  }

  /**
   * One line on the spans not delivered to the OTLP endpoint since the SDK started, or null when
   * every span was delivered (or no OTLP span exporter is configured).
   */
  public String summary() {
    String to = endpoint;
    long all = ended.get();
    long ok = delivered.get();
    if (to == null || ok >= all) {
      return null;
    }
    long allRoots = endedRoots.get();
    long notFailed = Math.max(0, all - ok - failed.get());
    String error = lastError;
    return "spans not delivered to "
        + to
        + ": "
        + (all - ok)
        + " of "
        + all
        + " spans ("
        + Math.max(0, allRoots - deliveredRoots.get())
        + " of "
        + allRoots
        + " handshakes); "
        + failed.get()
        + " failed to send"
        + (error == null ? "" : " (last error: " + error + ")")
        + ", "
        + notFailed
        + " dropped from the full export queue or still pending at shutdown";
  }

  /** A short reason: the HTTP status the endpoint answered, or the exception of the request. */
  static String describe(Throwable t) {
    if (t == null) {
      return "no details";
    }
    if (t instanceof FailedExportException.HttpExportException) {
      FailedExportException.HttpExportException e = (FailedExportException.HttpExportException) t;
      if (e.failedWithResponse() && e.getResponse() != null) {
        return "HTTP " + e.getResponse().getStatusCode();
      }
      if (e.getCause() != null) {
        t = e.getCause();
      }
    }
    return t.getMessage() == null ? t.getClass().getName() : t.toString();
  }

  /** At most one line a minute for one signal, with the count since the last line. */
  private final class Throttle {
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
    private final AtomicLong sinceReport = new AtomicLong();

    void failed(long count, String what, String unit, String toEndpoint, String error) {
      long n = sinceReport.addAndGet(count);
      long last = lastReport.get();
      long now = System.nanoTime();
      if (!closing && now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now)) {
        sinceReport.set(0);
        warn.accept(
            "exporting "
                + what
                + " to "
                + toEndpoint
                + " failed ("
                + n
                + " "
                + unit
                + " so far; "
                + error
                + "); check otel.exporter.otlp.endpoint and the collector");
      }
    }
  }
}
