package dev.handshakeagent.bench;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * The memory workload: {@code N} handshakes in a row (TLS 1.2, in-memory engines, each connection
 * dropped after its handshake; every 100th a full handshake, the others resumed, which keeps
 * 100,000 of them within minutes on 2 cores while every one still makes a record, phases, spans and
 * metrics), with a class histogram (which runs a full GC first) every {@code N/5} handshakes.
 * Prints one {@code MEM} line per checkpoint: handshakes so far, heap used after the GC, and the
 * instances and bytes of every class of the agent (its shaded OpenTelemetry SDK included), so
 * growth attributable to the agent shows directly.
 */
public final class MemoryMain {
  private MemoryMain() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int every = Math.max(1, n / 5);
    Workload.Contexts contexts = Workload.TLS12_ECDHE_RSA.contexts();
    EnginePair last = null;
    checkpoint(0);
    for (int i = 1; i <= n; i++) {
      // A new peer port every 100 handshakes: a full handshake, then 99 resumed ones.
      EnginePair pair = contexts.pair("localhost", 1 + i / 100, last);
      pair.handshake();
      pair.close();
      last = pair;
      if (i % every == 0) {
        // A GC, then time for the agent's thread to drain its queue and sweep the entries of
        // collected connections (once a second), then the histogram (which runs another full GC).
        System.gc();
        Thread.sleep(2_500);
        checkpoint(i);
      }
    }
  }

  private static void checkpoint(int done) throws Exception {
    String histogram =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    long instances = 0;
    long bytes = 0;
    long records = 0;
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":")) {
        continue;
      }
      String name = f[3];
      if (name.startsWith("dev.handshakeagent.") && !name.startsWith("dev.handshakeagent.bench.")) {
        instances += Long.parseLong(f[1]);
        bytes += Long.parseLong(f[2]);
        if (name.equals("dev.handshakeagent.agent.tracking.HandshakeRecord")) {
          records = Long.parseLong(f[1]);
        }
      }
    }
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.println("MEM " + done + " " + used + " " + instances + " " + bytes + " " + records);
  }
}
