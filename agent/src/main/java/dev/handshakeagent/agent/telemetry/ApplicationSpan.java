package dev.handshakeagent.agent.telemetry;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
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

  /**
   * The handles live on the application's own {@code Span} class (a ClassValue), so they go away
   * with its class loader: nothing here keeps an undeployed application's classes alive.
   */
  private static final ClassValue<Optional<Handles>> HANDLES =
      new ClassValue<>() {
        @Override
        protected Optional<Handles> computeValue(Class<?> span) {
          return Optional.ofNullable(resolve(span));
        }
      };

  /** Loader -> its {@code Span} class (weakly), or {@link #NO_API}; for loaders seen before. */
  private final Map<ClassLoader, WeakReference<Class<?>>> spanClasses =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static final WeakReference<Class<?>> NO_API = new WeakReference<>(null);

  /** The last loader looked up and its entry: the lock-free path for the usual single loader. */
  private volatile Last last;

  private static final class Last {
    final WeakReference<ClassLoader> loader;
    final WeakReference<Class<?>> span;

    Last(ClassLoader loader, WeakReference<Class<?>> span) {
      this.loader = new WeakReference<>(loader);
      this.span = span;
    }
  }

  @Override
  public Object get() {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = ClassLoader.getSystemClassLoader();
      }
      Last l = last;
      WeakReference<Class<?>> span;
      if (l != null && l.loader.get() == loader) {
        span = l.span;
      } else {
        span = spanClasses.get(loader);
        if (span == null) {
          Class<?> c = spanClass(loader);
          span = c == null ? NO_API : new WeakReference<>(c);
          spanClasses.put(loader, span);
        }
        last = new Last(loader, span);
      }
      Class<?> c = span.get();
      if (c == null) {
        return null;
      }
      Optional<Handles> h = HANDLES.get(c);
      return h.isPresent() ? h.get().current() : null;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Class<?> spanClass(ClassLoader loader) {
    try {
      return Class.forName(API + ".Span", false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null; // the application has no OpenTelemetry API
    }
  }

  private static Handles resolve(Class<?> span) {
    try {
      ClassLoader loader = span.getClassLoader();
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
