package dev.handshakeagent.demo;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** What every scenario runs with: the certificates, the settings and the threads for the peers. */
final class Lab implements AutoCloseable {
  /** How long any side may take before the demo gives up on it. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final DemoPki pki;
  private final Duration slow;
  private final ExecutorService threads;

  Lab(DemoPki pki, Duration slow) {
    this.pki = pki;
    this.slow = slow;
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              // Daemon threads: a peer stuck in a blocking read must not keep the JVM alive.
              Thread t = new Thread(r, "demo-peer-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  DemoPki pki() {
    return pki;
  }

  /** How long the slow trust manager waits. */
  Duration slow() {
    return slow;
  }

  ExecutorService threads() {
    return threads;
  }

  /**
   * Waits for one side's outcome. When it does not come in time, {@code onTimeout} is closed (which
   * unblocks a side stuck in a read) and the side counts as not reached.
   */
  static Outcome await(Future<Outcome> side, Closeable... onTimeout) throws InterruptedException {
    try {
      return side.get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      for (Closeable c : onTimeout) {
        try {
          c.close();
        } catch (IOException ignored) {
          // closing only to unblock the stuck side
        }
      }
      side.cancel(true);
      return Outcome.notReached("no result within " + TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      return Outcome.failed(e.getCause(), Outcome.Stage.HANDSHAKE, null);
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
