package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.function.Supplier;

/**
 * The current span of the OpenTelemetry API the agent itself runs with, as an {@link
 * ApplicationSpan.Parent}. In extension mode that API is the OpenTelemetry Java agent's (its
 * extension class loader maps {@code io.opentelemetry.api} to the agent's copy), whose context
 * holds the spans of its own instrumentation, such as an HTTP client call, whether or not the
 * application has an OpenTelemetry API of its own. Runs on the handshake thread: a thread-local
 * read; any failure means "no parent".
 */
public final class ContextSpan implements Supplier<Object> {
  @Override
  public Object get() {
    try {
      SpanContext c = Span.current().getSpanContext();
      if (!c.isValid()) {
        return null;
      }
      return new ApplicationSpan.Parent(c.getTraceId(), c.getSpanId(), c.getTraceFlags().asByte());
    } catch (Throwable t) {
      return null;
    }
  }
}
