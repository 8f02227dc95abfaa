package dev.handshakeagent.agent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * The agent's log: its own (shaded) SLF4J with the simple binding, logger name {@code
 * handshake-agent}, on stderr. Errors swallowed by hooks are logged at most once a minute, with a
 * count, so a broken hook cannot flood the application's output.
 */
public final class AgentLog {
  static {
    // The simple binding is the agent's own (relocated with its property names): lines read
    // "WARN handshake-agent - ...", whichever thread logs.
    if (System.getProperty("org.slf4j.simpleLogger.showThreadName") == null) {
      System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    }
  }

  private static final Logger LOG = logger();
  private static final long ERROR_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final AtomicLong lastErrorLog =
      new AtomicLong(System.nanoTime() - ERROR_INTERVAL_NANOS);
  private static final AtomicLong errorsSinceLog = new AtomicLong();

  private AgentLog() {}

  /**
   * The simple binding, taken directly rather than through {@code LoggerFactory}: the relocated
   * {@code LoggerFactory} still reads SLF4J's own system properties, which are the application's
   * ({@code slf4j.provider} would make it load the application's provider and print a
   * ClassCastException to stderr; {@code slf4j.internal.verbosity} would make it report its binding
   * there).
   */
  private static Logger logger() {
    SimpleServiceProvider provider = new SimpleServiceProvider();
    provider.initialize();
    return provider.getLoggerFactory().getLogger("handshake-agent");
  }

  public static void info(String message) {
    LOG.info(message);
  }

  public static void warn(String message) {
    LOG.warn(message);
  }

  /** A hook or the exporter swallowed {@code error}: logged rate-limited. */
  public static void suppressed(Throwable error) {
    long n = errorsSinceLog.incrementAndGet();
    long last = lastErrorLog.get();
    long now = System.nanoTime();
    if (now - last >= ERROR_INTERVAL_NANOS && lastErrorLog.compareAndSet(last, now)) {
      errorsSinceLog.set(0);
      LOG.warn(
          "suppressed "
              + n
              + " error(s) in the agent's hooks (the application was not affected);"
              + " latest:",
          error);
    }
  }
}
