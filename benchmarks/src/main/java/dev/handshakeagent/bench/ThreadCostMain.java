package dev.handshakeagent.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * What the handshake thread itself pays: handshakes one after the other on the calling thread
 * (resumed TLS 1.2 or full TLS 1.3 engine pairs, as the JMH benchmarks run them), then the CPU time
 * and the bytes allocated by that thread alone per pair, as the median of several measurement
 * rounds after a warm-up. Work the agent does on its own threads is not counted, so the difference
 * to a run without the agent is what recording costs the application's thread.
 *
 * <p>Usage: {@code ThreadCostMain resumed12|resumed13|full12|full13 [warm-up seconds] [rounds]
 * [pairs per round]}. Prints one {@code THREAD} line: workload, CPU µs per pair, bytes per pair.
 */
public final class ThreadCostMain {
  private ThreadCostMain() {}

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    double warmupSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    HandshakeLoop loop;
    switch (kind) {
      case "resumed12":
        loop = new HandshakeLoop(Workload.TLS12_ECDHE_RSA, "localhost", 443);
        break;
      case "resumed13":
        loop = new HandshakeLoop(Workload.TLS13_EC, "localhost", 443);
        break;
      case "full13":
        loop = new HandshakeLoop(Workload.TLS13_EC, null, -1);
        break;
      case "full12":
        loop = new HandshakeLoop(Workload.TLS12_ECDHE_RSA, null, -1);
        break;
      default:
        throw new IllegalArgumentException(kind);
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    Object sink = null;
    while (System.nanoTime() < warmupEnd) {
      for (int i = 0; i < 100; i++) {
        sink = loop.next();
      }
    }
    double[] cpu = new double[rounds];
    double[] bytes = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long b0 = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < perRound; i++) {
        sink = loop.next();
      }
      long b1 = threads.getThreadAllocatedBytes(self);
      long c1 = threads.getCurrentThreadCpuTime();
      cpu[r] = (c1 - c0) / 1e3 / perRound;
      bytes[r] = (double) (b1 - b0) / perRound;
    }
    Arrays.sort(cpu);
    Arrays.sort(bytes);
    System.out.printf(
        "THREAD %s cpu_us=%.1f bytes=%.0f (cpu min %.1f max %.1f) %s%n",
        kind, cpu[rounds / 2], bytes[rounds / 2], cpu[0], cpu[rounds - 1], sink != null ? "" : "-");
  }
}
