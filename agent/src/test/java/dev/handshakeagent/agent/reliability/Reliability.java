package dev.handshakeagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/** Shared checks of the reliability tests: the agent's state after a run, and span lookups. */
final class Reliability {
  static final int JDK = Runtime.version().feature();

  private Reliability() {}

  /**
   * Whether a root's status description is the exception message the application saw. Exactly: on
   * JDK 21+ SunJSSE answers a socket error during a handshake with {@code
   * fatal(unexpected_message)}, discards the SSLException that makes and rethrows the original
   * {@code SocketException}; the root must show the latter ({@code Connection reset}), not the
   * discarded {@code (unexpected_message) Connection reset} (bug 3 of docs/reliability.md, fixed).
   */
  static boolean sameAsApplication(String status, String application) {
    return Objects.equals(status, application);
  }

  /** The in-process agent (once per test JVM; surefire forks one per test class). */
  static AgentRuntime agent(String options) {
    return InProcessAgent.install(options);
  }

  /**
   * After the application's connections are closed: the agent's queue drained, no handshake still
   * open, no error swallowed by a hook or the tracker, nothing dropped from the export queue, and
   * (after GC) no JDK object still mapped by the tracker. Returns how long GC took to get there.
   */
  static long assertQuiet(AgentRuntime agent, long openWaitMillis) throws InterruptedException {
    InProcessAgent.spans(); // drains the queue
    long deadline = System.currentTimeMillis() + openWaitMillis;
    while (agent.tracker.activeHandshakes() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, agent.tracker.activeHandshakes(), "handshakes left open");
    long start = System.nanoTime();
    int tracked = -1;
    for (int i = 0; i < 100 && tracked != 0; i++) {
      System.gc();
      Thread.sleep(100);
      tracked = agent.tracker.trackedObjects();
    }
    assertEquals(0, tracked, "JDK handshake/connection objects still mapped after GC");
    assertEquals(0, agent.suppressedErrors(), "errors swallowed by the agent's hooks");
    assertEquals(0, agent.tracker.suppressedErrors(), "errors swallowed by the tracker");
    assertEquals(0, agent.exporter.dropped(), "handshakes dropped from the export queue");
    return (System.nanoTime() - start) / 1_000_000;
  }

  static String str(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.stringKey(key));
  }

  static Boolean bool(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.booleanKey(key));
  }

  static Long num(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.longKey(key));
  }

  static List<SpanData> roots(List<SpanData> spans, String role) {
    return Traces.roots(spans, role);
  }

  /** Groups spans by a key; keys are sorted so failure messages are readable. */
  static <K extends Comparable<K>> Map<K, List<SpanData>> groupBy(
      List<SpanData> spans, Function<SpanData, K> key) {
    Map<K, List<SpanData>> out = new TreeMap<>();
    for (SpanData s : spans) {
      out.computeIfAbsent(key.apply(s), k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** Counts of each value, sorted, as text for the report. */
  static <K extends Comparable<K>> Map<K, Integer> histogram(List<K> values) {
    Map<K, Integer> out = new TreeMap<>();
    for (K v : values) {
      out.merge(v, 1, Integer::sum);
    }
    return out;
  }

  /** A line the reliability report in docs/reliability.md is built from. */
  static void report(String line) {
    System.out.println("RELIABILITY JDK " + JDK + ": " + line);
  }

  /** As {@link #report}, for a child JVM of the JDK at {@code javaHome}. */
  static void reportChild(String javaHome, String line) {
    System.out.println("RELIABILITY child " + Paths.get(javaHome).getFileName() + ": " + line);
  }
}
