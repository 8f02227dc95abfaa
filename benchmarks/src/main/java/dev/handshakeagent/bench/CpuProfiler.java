package dev.handshakeagent.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time and allocation per operation for the whole process, so work the agent moves off the
 * handshake thread (its own thread, the OpenTelemetry SDK's exporter threads) is counted too, and
 * split by who did it:
 *
 * <ul>
 *   <li>{@code cpu.process} - the process's CPU time (every thread, GC and JIT included);
 *   <li>{@code cpu.app} - the benchmark's threads (JMH workers, the socket benchmark's server
 *       thread): JSSE's work plus whatever the agent's hooks do inline;
 *   <li>{@code cpu.agent} - the agent's {@code handshake-agent} thread (builds the spans);
 *   <li>{@code cpu.export} - the SDK's batch processor, metric reader and HTTP sender threads;
 *   <li>{@code alloc.app}, {@code alloc.agent}, {@code alloc.export} - bytes allocated by the same
 *       groups.
 * </ul>
 *
 * Units are nanoseconds and bytes per operation, averaged over measurement iterations.
 */
public final class CpuProfiler implements InternalProfiler {
  private static final String[] GROUPS = {"app", "agent", "export", "other"};

  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private long processCpu;
  private Map<Long, long[]> before = new HashMap<>();

  @Override
  public String getDescription() {
    return "process CPU time and allocation per operation, split into app/agent/export threads";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = snapshot();
    processCpu = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long process = os.getProcessCpuTime() - processCpu;
    Map<Long, long[]> after = snapshot();
    long ops = Math.max(1, result.getMetadata().getAllOps());
    long[] cpu = new long[GROUPS.length];
    long[] alloc = new long[GROUPS.length];
    for (Map.Entry<Long, long[]> e : after.entrySet()) {
      long[] now = e.getValue();
      long[] then = before.getOrDefault(e.getKey(), new long[] {now[0], 0, 0});
      int g = (int) now[0];
      cpu[g] += Math.max(0, now[1] - then[1]);
      alloc[g] += Math.max(0, now[2] - then[2]);
    }
    List<Result> out = new ArrayList<>();
    out.add(per("cpu.process", process, ops, "ns/op"));
    for (int g = 0; g < GROUPS.length; g++) {
      out.add(per("cpu." + GROUPS[g], cpu[g], ops, "ns/op"));
      out.add(per("alloc." + GROUPS[g], alloc[g], ops, "B/op"));
    }
    return out;
  }

  private static ScalarResult per(String label, long total, long ops, String unit) {
    return new ScalarResult(label, (double) total / ops, unit, AggregationPolicy.AVG);
  }

  /** Per live thread: {group, CPU ns, allocated bytes}. */
  private Map<Long, long[]> snapshot() {
    Map<Long, long[]> out = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    long[] cpu = threads.getThreadCpuTime(ids);
    long[] alloc = threads.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) {
      ThreadInfo info = threads.getThreadInfo(ids[i]);
      if (info == null || cpu[i] < 0) {
        continue;
      }
      out.put(ids[i], new long[] {group(info.getThreadName()), cpu[i], Math.max(0, alloc[i])});
    }
    return out;
  }

  static int group(String name) {
    if (name.contains("jmh-worker") || name.startsWith("bench-")) {
      return 0;
    }
    if (name.startsWith("handshake-agent")) {
      return 1;
    }
    if (name.startsWith("BatchSpanProcessor")
        || name.startsWith("PeriodicMetricReader")
        || name.startsWith("HttpClient-")
        || name.startsWith("jdkhttp")
        || name.startsWith("otel")) {
      return 2;
    }
    return 3;
  }
}
