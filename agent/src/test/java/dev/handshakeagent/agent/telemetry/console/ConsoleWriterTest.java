package dev.handshakeagent.agent.telemetry.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ConsoleWriter}: order, all-or-nothing offers, drops on a blocked stream, color default.
 */
class ConsoleWriterTest {

  /** Collects bytes; while {@code blocked}, every write waits for {@link #release()}. */
  private static final class BlockingStream extends OutputStream {
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      entered.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
    }

    void awaitFirstWrite() throws InterruptedException {
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer thread never wrote");
    }

    void release() {
      released.countDown();
    }

    List<String> lines() {
      synchronized (bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
      }
    }
  }

  private static PrintStream print(OutputStream out) {
    return new PrintStream(out, false, StandardCharsets.UTF_8);
  }

  @Test
  void printsLinesInOrder() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleWriter writer = new ConsoleWriter(print(bytes), 10_000);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      List<String> handshake = List.of("header " + i, "  phase " + i + ".1", "  phase " + i + ".2");
      assertTrue(writer.offer(handshake));
      expected.addAll(handshake);
    }

    writer.close(10_000);

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(expected, Arrays.asList(text.split("\\R")));
    assertEquals(0, writer.droppedLines());
    assertFalse(writer.offer(List.of("after close")));
  }

  @Test
  void blockedStreamNeverBlocksOfferAndDropsAreReportedOnce() throws Exception {
    BlockingStream stream = new BlockingStream();
    ConsoleWriter writer = new ConsoleWriter(print(stream), 4);

    assertTrue(writer.offer(List.of("first")));
    stream.awaitFirstWrite();
    // The thread now hangs in the stream with "first"; the queue (4 lines) is empty.
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertTrue(writer.offer(List.of("a1", "a2", "a3")));
          assertFalse(writer.offer(List.of("b1", "b2")), "all or nothing: 2 do not fit in 1");
          assertTrue(writer.offer(List.of("c1")));
          for (int i = 0; i < 1000; i++) {
            assertFalse(writer.offer(List.of("d" + i)));
          }
        });
    assertEquals(2 + 1000, writer.droppedLines());

    stream.release();
    writer.close(10_000);

    List<String> expected =
        List.of("first", "a1", "a2", "a3", "c1", ConsoleWriter.dropNotice(1002));
    assertEquals(expected, stream.lines());
    assertEquals(
        "handshake-agent: 1002 console lines dropped (stderr too slow)",
        ConsoleWriter.dropNotice(1002));
  }

  @Test
  void noticeCountsOnlyDropsSinceTheLastNotice() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleWriter writer = new ConsoleWriter(print(bytes), 2);

    assertFalse(writer.offer(List.of("x1", "x2", "x3")), "more than the capacity never fits");
    waitFor(() -> bytes.toString(StandardCharsets.UTF_8).contains("dropped"));
    assertTrue(writer.offer(List.of("y1", "y2")));
    writer.close(10_000);

    List<String> lines = Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R"));
    assertEquals(List.of(ConsoleWriter.dropNotice(3), "y1", "y2"), lines);
    assertEquals(3, writer.droppedLines());
  }

  @Test
  void threadIsANamedDaemon() {
    ConsoleWriter writer = new ConsoleWriter(print(new ByteArrayOutputStream()), 1);
    try {
      Thread thread =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().equals("handshake-agent-console"))
              .findFirst()
              .orElseThrow();
      assertTrue(thread.isDaemon());
    } finally {
      writer.close(10_000);
    }
  }

  @Test
  void colorOnlyOnATerminalWithoutNoColor() {
    assertTrue(ConsoleWriter.colorByDefault(true, null));
    assertTrue(ConsoleWriter.colorByDefault(true, ""));
    assertFalse(ConsoleWriter.colorByDefault(true, "1"));
    assertFalse(ConsoleWriter.colorByDefault(false, null));
    assertFalse(ConsoleWriter.isTerminal(null));
    String noColor = System.getenv("NO_COLOR");
    if (System.console() == null || (noColor != null && !noColor.isEmpty())) {
      assertFalse(ConsoleWriter.colorByDefault());
    }
  }

  private interface Condition {
    boolean holds();
  }

  private static void waitFor(Condition condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(5);
    }
  }
}
