package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import dev.handshakeagent.agent.tracking.HandshakeSink;
import dev.handshakeagent.agent.tracking.HandshakeTracker;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's one thread ({@code handshake-agent}): takes ended handshakes from a bounded queue,
 * builds their spans, and once a second sweeps abandoned handshakes. Handshake threads only
 * enqueue; when the queue is full the handshake is dropped and counted, never waited for.
 *
 * <p>The OpenTelemetry SDK is started lazily here, on the first handshake, so a JVM without TLS
 * traffic pays nothing for it and the SDK never initialises TLS state before the application did.
 */
public final class HandshakeExporter implements HandshakeSink {

  /** What the exporter needs from an SDK: a tracer provider and a flush. */
  public interface Telemetry {
    TracerProvider tracerProvider();

    MeterProvider meterProvider();

    CompletableResultCode flush();

    CompletableResultCode shutdown();

    /**
     * The SDK pipeline the handshake spans can be handed to directly, without the tracer; null when
     * there is none (everything goes through {@link #tracerProvider()}).
     */
    default DirectSpans directSpans() {
      return null;
    }

    /**
     * The version of the instrumentation scope, when the package's does not tell it (extension
     * mode); null otherwise.
     */
    default String instrumentationVersion() {
      return null;
    }

    /** Shutdown has begun: export failures from now on go into {@link #shutdownReport()}. */
    default void closing() {}

    /** One line on what was not delivered to the endpoint, or null when all was. */
    default String shutdownReport() {
      return null;
    }
  }

  /** The name of the agent's thread, which builds every handshake span. */
  public static final String THREAD_NAME = "handshake-agent";

  private static final int QUEUE_CAPACITY = 8192;
  private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * After the queue ran empty the thread naps this long before it asks handshake threads to wake
   * it: while handshakes keep coming (more than one per nap) none of them pays for a wake-up.
   */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Longest wait for a handshake: the sweep and held successes are timed by it. */
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Supplier<Telemetry> telemetryFactory;
  private final boolean phases;
  private final long slowThresholdNanos;
  private final boolean offered;
  private final ConsoleView console;
  private final Consumer<String> warn;
  private volatile HandshakeTracker tracker;
  private volatile Telemetry telemetry;
  private HandshakeSpans spans;
  private HandshakeMetrics metrics;
  private volatile boolean running = true;
  private volatile Thread thread;

  /** The agent's thread is parked until the next handshake: the first one to come unparks it. */
  private volatile boolean sleeping;

  /** The agent's thread only: its last wait saw no handshake. */
  private boolean idle = true;

  /**
   * @param slowThresholdMillis handshakes at least this long are kept whatever the sampler says
   * @param offered record what the client offered and the server enabled (the {@code offered}
   *     option)
   * @param console also print each handshake as a text waterfall on stderr (the {@code console}
   *     option)
   */
  public HandshakeExporter(
      Supplier<Telemetry> telemetryFactory,
      boolean phases,
      long slowThresholdMillis,
      boolean offered,
      boolean console,
      Consumer<String> warn) {
    this.telemetryFactory = telemetryFactory;
    this.phases = phases;
    this.offered = offered;
    this.slowThresholdNanos = TimeUnit.MILLISECONDS.toNanos(slowThresholdMillis);
    this.console = console ? new ConsoleView() : null;
    this.warn = warn;
  }

  /** Starts the thread; {@code tracker} supplies facts and is swept. */
  public void start(HandshakeTracker tracker) {
    this.tracker = tracker;
    thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void handshakeEnded(HandshakeRecord record) {
    if (!offer(record)) {
      record.releaseEndObjects();
    }
  }

  @Override
  public void postHandshake(HandshakeRecord handshake, List<Frame> phases) {
    offer(new PostHandshake(handshake, phases));
  }

  private boolean offer(Object item) {
    if (queue.offer(item)) {
      enqueued.incrementAndGet();
      if (sleeping) {
        // Only the first handshake after a quiet spell wakes the agent's thread (one futex call);
        // while it lingers or works, handing over is a store into the queue and nothing else.
        sleeping = false;
        Thread t = thread;
        if (t != null) {
          LockSupport.unpark(t);
        }
      }
      return true;
    }
    if (dropped.getAndIncrement() == 0) {
      warn.accept(
          "export queue full ("
              + QUEUE_CAPACITY
              + " handshakes): dropping handshakes until it drains; the count is reported at exit");
    }
    return false;
  }

  /** Handshakes dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Waits until everything enqueued so far was turned into spans, then flushes the SDK. For tests
   * and for shutdown.
   */
  public boolean flush(long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    return drain(deadline) && flushSdk(deadline);
  }

  /** Waits until everything enqueued so far was turned into spans. */
  private boolean drain(long deadline) {
    long target = enqueued.get();
    while (processed.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private boolean flushSdk(long deadline) {
    Telemetry t = telemetry;
    if (t == null) {
      return true;
    }
    return t.flush().join(remaining(deadline), TimeUnit.NANOSECONDS).isSuccess();
  }

  /**
   * JVM exit or detach: ends open handshakes as abandoned ({@code reason}), exports what is queued,
   * stops the thread and shuts the SDK down.
   */
  public void shutdown(long timeout, TimeUnit unit, String reason) {
    // One budget for everything: an unreachable endpoint must not hold the JVM's exit longer.
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    HandshakeTracker t = tracker;
    if (t != null) {
      t.abandonAll(reason);
    }
    drain(deadline);
    Telemetry closing = telemetry;
    if (closing != null) {
      try {
        // From here on the failures of the last exports are summed up in one line below.
        closing.closing();
      } catch (Throwable ignored) {
        // reporting must never disturb the exit
      }
    }
    flushSdk(deadline);
    running = false;
    if (dropped.get() > 0) {
      warn.accept(dropped.get() + " handshakes were dropped because the export queue was full");
    }
    if (console != null) {
      console.close();
    }
    Telemetry tel = telemetry;
    if (tel != null) {
      // The SDK's shutdown blocks inside (a last export with retries): run it on a daemon thread
      // and stop waiting when the budget is spent.
      Thread stop = new Thread(() -> tel.shutdown(), "handshake-agent-sdk-shutdown");
      stop.setDaemon(true);
      stop.start();
      try {
        stop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // Within the budget, whether or not the SDK finished: an unreachable endpoint is named even
      // when the only exports were the ones at exit.
      try {
        String report = tel.shutdownReport();
        if (report != null) {
          warn.accept(report);
        }
      } catch (Throwable ignored) {
        // reporting must never disturb the exit
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }

  private void run() {
    long lastSweep = System.nanoTime();
    while (running) {
      try {
        Object item = next();
        if (item != null) {
          try {
            export(item);
          } finally {
            processed.incrementAndGet();
          }
        }
        // Held TLS 1.3 client successes whose wait for the server's verdict is over: timed here,
        // on the agent's thread, never on the application's.
        tracker.endHeldPastWait();
        long now = System.nanoTime();
        if (now - lastSweep >= SWEEP_INTERVAL_NANOS) {
          lastSweep = now;
          tracker.sweep();
        }
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        tracker.suppressed(t);
      }
    }
  }

  /**
   * The next queued item, or null after a while without one. Handshake threads never signal the
   * queue's condition: this thread naps ({@link #LINGER_NANOS}) when the queue runs empty and only
   * when it stays empty asks to be woken ({@link #sleeping}), so a busy application pays no wake-up
   * per handshake.
   */
  private Object next() throws InterruptedException {
    Object item = queue.poll();
    if (item != null) {
      idle = false;
      return item;
    }
    if (!idle) {
      LockSupport.parkNanos(this, LINGER_NANOS);
      item = queue.poll();
      if (item != null) {
        return item;
      }
    }
    sleeping = true;
    // Checked again after announcing it: a handshake queued in between either is seen here or
    // sees the flag and unparks this thread.
    item = queue.poll();
    if (item == null) {
      LockSupport.parkNanos(this, IDLE_WAIT_NANOS);
      item = queue.poll();
    }
    sleeping = false;
    // A whole wait without a handshake: the next empty queue sleeps at once (no linger while idle).
    idle = item == null;
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    return item;
  }

  private void export(Object item) {
    if (spans == null) {
      Telemetry t = telemetryFactory.get();
      telemetry = t;
      String version = t.instrumentationVersion();
      if (version == null) {
        version = HandshakeExporter.class.getPackage().getImplementationVersion();
      }
      spans =
          new HandshakeSpans(
              t.tracerProvider().get(HandshakeSemconv.SCOPE, version),
              t.directSpans(),
              version,
              phases,
              slowThresholdNanos,
              offered);
      metrics =
          new HandshakeMetrics(
              t.meterProvider()
                  .meterBuilder(HandshakeSemconv.SCOPE)
                  .setInstrumentationVersion(version == null ? "dev" : version)
                  .build(),
              tracker);
    }
    if (item instanceof HandshakeRecord) {
      HandshakeRecord r = (HandshakeRecord) item;
      try {
        HandshakeFacts f = tracker.coreFacts(r);
        if (f != null) {
          metrics.record(r, f);
          r.exportedRoot = spans.export(r, f, () -> tracker.detailFacts(r, f));
          if (console != null) {
            tracker.detailFacts(r, f);
            console.show(r, f);
          }
        }
      } finally {
        r.releaseEndObjects();
      }
    } else {
      PostHandshake p = (PostHandshake) item;
      Object root = p.handshake.exportedRoot;
      if (phases && root instanceof SpanContext && ((SpanContext) root).isSampled()) {
        spans.exportPostHandshake((SpanContext) root, p.phases);
      }
    }
  }

  private static final class PostHandshake {
    final HandshakeRecord handshake;
    final List<Frame> phases;

    PostHandshake(HandshakeRecord handshake, List<Frame> phases) {
      this.handshake = handshake;
      this.phases = phases;
    }
  }
}
