package dev.handshakeagent.agent.telemetry;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * The application's current span, read through the application's own OpenTelemetry API (found via
 * the thread's context class loader), so a handshake started inside an HTTP client span becomes its
 * child. The agent's own OpenTelemetry is relocated and cannot see the application's context
 * directly. Runs on the handshake thread: one cached lookup per class loader, then three calls that
 * read a thread-local; any failure means "no parent".
 */
public final class ApplicationSpan implements Supplier<Object> {

  /** What a root span needs of its parent: ids and flags, as the W3C trace context spells them. */
  public static final class Parent {
    public final String traceId;
    public final String spanId;
    public final byte flags;

    Parent(String traceId, String spanId, byte flags) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.flags = flags;
    }
  }

  /** Built at run time: shade would otherwise relocate it to the agent's own copy. */
  private static final String API = String.join(".", "io", "opentelemetry", "api", "trace");

  private final Map<ClassLoader, Optional<Handles>> handles =
      Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public Object get() {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = ClassLoader.getSystemClassLoader();
      }
      Optional<Handles> h = handles.get(loader);
      if (h == null) {
        h = Optional.ofNullable(resolve(loader));
        handles.put(loader, h);
      }
      return h.isPresent() ? h.get().current() : null;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Handles resolve(ClassLoader loader) {
    try {
      Class<?> span = Class.forName(API + ".Span", false, loader);
      Class<?> spanContext = Class.forName(API + ".SpanContext", false, loader);
      Class<?> traceFlags = Class.forName(API + ".TraceFlags", false, loader);
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      return new Handles(
          l.findStatic(span, "current", MethodType.methodType(span)),
          l.findVirtual(span, "getSpanContext", MethodType.methodType(spanContext)),
          l.findVirtual(spanContext, "isValid", MethodType.methodType(boolean.class)),
          l.findVirtual(spanContext, "getTraceId", MethodType.methodType(String.class)),
          l.findVirtual(spanContext, "getSpanId", MethodType.methodType(String.class)),
          l.findVirtual(spanContext, "getTraceFlags", MethodType.methodType(traceFlags)),
          l.findVirtual(traceFlags, "asByte", MethodType.methodType(byte.class)));
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // the application has no OpenTelemetry API
    }
  }

  private static final class Handles {
    final MethodHandle current;
    final MethodHandle getSpanContext;
    final MethodHandle isValid;
    final MethodHandle getTraceId;
    final MethodHandle getSpanId;
    final MethodHandle getTraceFlags;
    final MethodHandle asByte;

    Handles(
        MethodHandle current,
        MethodHandle getSpanContext,
        MethodHandle isValid,
        MethodHandle getTraceId,
        MethodHandle getSpanId,
        MethodHandle getTraceFlags,
        MethodHandle asByte) {
      this.current = current;
      this.getSpanContext = getSpanContext;
      this.isValid = isValid;
      this.getTraceId = getTraceId;
      this.getSpanId = getSpanId;
      this.getTraceFlags = getTraceFlags;
      this.asByte = asByte;
    }

    Parent current() throws Throwable {
      Object spanContext = getSpanContext.invoke(current.invoke());
      if (!(boolean) isValid.invoke(spanContext)) {
        return null;
      }
      return new Parent(
          (String) getTraceId.invoke(spanContext),
          (String) getSpanId.invoke(spanContext),
          (byte) asByte.invoke(getTraceFlags.invoke(spanContext)));
    }
  }
}
