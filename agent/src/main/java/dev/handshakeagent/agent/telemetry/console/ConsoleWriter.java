package dev.handshakeagent.agent.telemetry.console;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Prints rendered handshakes on a stream (stderr) from its own daemon thread, {@code
 * handshake-agent-console}, so that a slow or blocked stream never holds up the thread that offers
 * them. Lines wait on a bounded queue; {@link #offer} takes a handshake's lines all or none, and
 * when they do not fit it drops them and counts them. Once the queue has been drained again the
 * thread prints one line saying how many lines were dropped since the last such line.
 *
 * <p>The lines of one offer are printed with a single {@link PrintStream#print(String)}, so they
 * are not interleaved with other output on the same stream. Thread-safe. The thread is started by
 * the constructor and ends after {@link #close}.
 */
public final class ConsoleWriter {

  static final String THREAD_NAME = "handshake-agent-console";

  private static final Method IS_TERMINAL = isTerminalMethod();

  private final PrintStream out;
  private final int capacityLines;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<String> queue;
  private final Thread thread;
  private long droppedLines;
  private long droppedSinceNotice;
  private boolean closed;

  /**
   * Starts the printing thread.
   *
   * @param out where lines go, usually {@code System.err}
   * @param capacityLines the most lines that may wait to be printed, at least 1
   * @throws IllegalArgumentException when {@code capacityLines} is less than 1
   */
  public ConsoleWriter(PrintStream out, int capacityLines) {
    if (capacityLines < 1) {
      throw new IllegalArgumentException("capacityLines must be at least 1: " + capacityLines);
    }
    if (out == null) {
      throw new NullPointerException("out");
    }
    this.out = out;
    this.capacityLines = capacityLines;
    this.queue = new ArrayDeque<>(Math.min(capacityLines, 1024));
    Thread t = new Thread(this::run, THREAD_NAME);
    t.setDaemon(true);
    // Do not pin the creating thread's (the application's) class loader.
    t.setContextClassLoader(null);
    this.thread = t;
    t.start();
  }

  /**
   * Queues {@code lines} to be printed, all of them or none; never waits for the stream.
   *
   * @return {@code true} when queued; {@code false} when they did not fit (they are counted in
   *     {@link #droppedLines()}) or the writer is closed (they are not counted)
   */
  public boolean offer(List<String> lines) {
    int n = lines.size();
    if (n == 0) {
      return true;
    }
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      if (n > capacityLines - queue.size()) {
        droppedLines += n;
        droppedSinceNotice += n;
        changed.signal();
        return false;
      }
      for (String line : lines) {
        queue.add(String.valueOf(line));
      }
      changed.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** How many lines {@link #offer} has dropped since this writer was made. */
  public long droppedLines() {
    lock.lock();
    try {
      return droppedLines;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops taking lines and waits up to {@code timeoutMillis} for the queued ones (and a pending
   * drop notice) to be printed; returns as soon as they are. Offers after this return false.
   */
  public void close(long timeoutMillis) {
    lock.lock();
    try {
      closed = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(Math.max(1, timeoutMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    String separator = System.lineSeparator();
    StringBuilder text = new StringBuilder();
    while (true) {
      boolean last;
      lock.lock();
      try {
        while (queue.isEmpty() && droppedSinceNotice == 0 && !closed) {
          try {
            changed.await();
          } catch (InterruptedException e) {
            closed = true;
          }
        }
        for (String line = queue.poll(); line != null; line = queue.poll()) {
          text.append(line).append(separator);
        }
        if (droppedSinceNotice > 0) {
          text.append(dropNotice(droppedSinceNotice)).append(separator);
          droppedSinceNotice = 0;
        }
        last = closed;
      } finally {
        lock.unlock();
      }
      if (text.length() > 0) {
        write(text.toString());
        text.setLength(0);
      }
      if (last) {
        return;
      }
    }
  }

  private void write(String text) {
    try {
      out.print(text);
      out.flush();
    } catch (RuntimeException e) {
      // A broken stream must not end the thread; PrintStream itself reports no IOException.
    }
  }

  static String dropNotice(long lines) {
    return "handshake-agent: " + lines + " console lines dropped (stderr too slow)";
  }

  /**
   * Whether to color by default: only when the JVM has a terminal ({@link System#console()} is not
   * {@code null} and, on JDK 22 and newer, {@code Console.isTerminal()} is true) and the {@code
   * NO_COLOR} environment variable is not set to a non-empty value (https://no-color.org). The
   * terminal check is about standard input and output; the JDK cannot tell whether standard error
   * alone is redirected.
   */
  public static boolean colorByDefault() {
    return colorByDefault(isTerminal(System.console()), System.getenv("NO_COLOR"));
  }

  static boolean colorByDefault(boolean terminal, String noColor) {
    return terminal && (noColor == null || noColor.isEmpty());
  }

  /** {@code console} is not null and, where {@code Console.isTerminal()} exists, it says true. */
  static boolean isTerminal(Console console) {
    if (console == null) {
      return false;
    }
    if (IS_TERMINAL == null) {
      return true;
    }
    try {
      return Boolean.TRUE.equals(IS_TERMINAL.invoke(console));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  private static Method isTerminalMethod() {
    try {
      return Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException | RuntimeException e) {
      return null;
    }
  }
}
