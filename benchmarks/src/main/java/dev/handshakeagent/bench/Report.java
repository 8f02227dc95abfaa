package dev.handshakeagent.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The Markdown report of a {@link Compare} run: ratios per workload, median and min-max. */
final class Report {
  private final Compare run;
  private final Map<String, List<double[]>> startup;
  private final long seconds;
  private final int rounds;
  private final StringBuilder out = new StringBuilder();

  Report(Compare run, Map<String, List<double[]>> startup, long seconds, int rounds) {
    this.run = run;
    this.startup = startup;
    this.seconds = seconds;
    this.rounds = rounds;
  }

  String markdown() {
    line("Machine: " + Compare.machine() + ". Forks on " + run.jdk + ".");
    line(
        "Options: "
            + run.options()
            + "; "
            + rounds
            + " rounds, each workload's forks interleaved ("
            + names()
            + "); took "
            + seconds / 60
            + " min "
            + seconds % 60
            + " s.");
    line("");
    for (Compare.Config c : run.configs()) {
      line("- `" + c.name + "`: " + c.description);
    }
    line("");
    line(
        "Ratios are per round (the variant's fork next to the baseline fork before it), shown as"
            + " the median and [min-max] over rounds. CPU ratio = CPU per op without ÷ with the"
            + " variant (1.00 = no cost; 0.97 = 3% more CPU per op), CPU being that of every Java"
            + " thread of the fork: the handshake thread with the agent's inline hooks, the agent's"
            + " own thread and the OpenTelemetry SDK's exporter threads. The JIT compiler and GC"
            + " threads are not Java threads: their share is in the process CPU ratio, which in"
            + " forks of a few seconds mostly shows JIT compilation (and noise); the agent's extra"
            + " GC work shows in the alloc ratio. Alloc ratio = bytes allocated per op (all threads,"
            + " JMH's gc.alloc.rate.norm) with ÷ without.");
    for (int i = 1; i < run.configs().size(); i++) {
      variantTable(run.configs().get(i).name);
    }
    breakdown();
    overheadVersusDebug();
    startupTable();
    memoryTable();
    exports();
    return out.toString();
  }

  private String names() {
    List<String> n = new ArrayList<>();
    for (Compare.Config c : run.configs()) {
      n.add(c.name);
    }
    return String.join(", ", n);
  }

  private void variantTable(String variant) {
    line("");
    line("### `" + variant + "` vs. `none`");
    line("");
    line(
        "| workload | ops/s none | ops/s "
            + variant
            + " | throughput ratio | CPU µs/op none | CPU µs/op "
            + variant
            + " | CPU ratio | process CPU ratio | KB/op none | KB/op "
            + variant
            + " | alloc ratio |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, Map<String, List<Compare.Fork>>> e : run.results().entrySet()) {
      List<Compare.Fork> base = e.getValue().get("none");
      List<Compare.Fork> with = e.getValue().get(variant);
      if (base == null || with == null) {
        continue;
      }
      String name = e.getKey();
      boolean appData = name.startsWith("app data");
      line(
          "| "
              + name
              + " | "
              + f0(median(base, f -> f.opsPerSecond))
              + (appData ? " (" + mbs(median(base, f -> f.opsPerSecond)) + ")" : "")
              + " | "
              + f0(median(with, f -> f.opsPerSecond))
              + (appData ? " (" + mbs(median(with, f -> f.opsPerSecond)) + ")" : "")
              + " | "
              + ratio(base, with, f -> f.opsPerSecond, false)
              + " | "
              + f1(median(base, Report::threadsCpu) / 1000)
              + " | "
              + f1(median(with, Report::threadsCpu) / 1000)
              + " | "
              + ratio(base, with, Report::threadsCpu, true)
              + " | "
              + ratio(base, with, f -> f.get("cpu.process"), true)
              + " | "
              + f1(median(base, f -> f.get("gc.alloc.rate.norm")) / 1024)
              + " | "
              + f1(median(with, f -> f.get("gc.alloc.rate.norm")) / 1024)
              + " | "
              + ratio(base, with, f -> f.get("gc.alloc.rate.norm"), false)
              + " |");
    }
  }

  /** Where the agent's cost goes, per op, medians over rounds. */
  private void breakdown() {
    for (Compare.Config c : run.configs()) {
      if (!c.name.startsWith("agent")) {
        continue;
      }
      line("");
      line("### Where `" + c.name + "`'s cost goes (per op, medians)");
      line("");
      line(
          "| workload | handshake threads Δ µs | agent thread µs | exporter threads µs | other Java"
              + " threads Δ µs | alloc handshake threads Δ KB | alloc agent thread KB | alloc"
              + " exporter KB | agent queue drops |");
      line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Map.Entry<String, Map<String, List<Compare.Fork>>> e : run.results().entrySet()) {
        List<Compare.Fork> base = e.getValue().get("none");
        List<Compare.Fork> with = e.getValue().get(c.name);
        if (base == null || with == null) {
          continue;
        }
        line(
            "| "
                + e.getKey()
                + " | "
                + f2(added(with, base, "cpu.app") / 1000)
                + " | "
                + f2(median(with, f -> f.get("cpu.agent")) / 1000)
                + " | "
                + f2(median(with, f -> f.get("cpu.export")) / 1000)
                + " | "
                + f2(added(with, base, "cpu.other") / 1000)
                + " | "
                + f2(added(with, base, "alloc.app") / 1024)
                + " | "
                + f2(median(with, f -> f.get("alloc.agent")) / 1024)
                + " | "
                + f2(median(with, f -> f.get("alloc.export")) / 1024)
                + " | "
                + dropped(with)
                + " |");
      }
    }
  }

  private static String dropped(List<Compare.Fork> forks) {
    for (Compare.Fork f : forks) {
      if (!f.dropped.isEmpty()) {
        return "see log: " + f.dropped;
      }
    }
    return "-";
  }

  /** Overhead (1/CPU ratio - 1) of each agent variant next to javax.net.debug's. */
  private void overheadVersusDebug() {
    boolean debug = run.configs().stream().anyMatch(c -> c.name.equals("debug"));
    if (!debug) {
      return;
    }
    line("");
    line("### Overhead in CPU per op (median), next to `javax.net.debug`");
    line("");
    StringBuilder head = new StringBuilder("| workload |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int i = 1; i < run.configs().size(); i++) {
      head.append(" ").append(run.configs().get(i).name).append(" |");
      rule.append("---:|");
    }
    line(head.toString());
    line(rule.toString());
    for (Map.Entry<String, Map<String, List<Compare.Fork>>> e : run.results().entrySet()) {
      if (e.getKey().startsWith("app data")) {
        continue;
      }
      StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
      List<Compare.Fork> base = e.getValue().get("none");
      for (int i = 1; i < run.configs().size(); i++) {
        List<Compare.Fork> with = e.getValue().get(run.configs().get(i).name);
        if (base == null || with == null) {
          row.append(" - |");
          continue;
        }
        double[] r = ratios(base, with, Report::threadsCpu, true);
        row.append(" ")
            .append(String.format(Locale.ROOT, "%+.1f%%", (1 / median(r) - 1) * 100))
            .append(" |");
      }
      line(row.toString());
    }
  }

  private void startupTable() {
    startupTable(startup, "a JVM that makes one TLS 1.3 handshake and exits", "");
    startupTable(
        run.startupNoTlsResults,
        "a JVM that makes no TLS traffic (a trivial main)",
        " " + StartupMain.NO_TLS);
  }

  private void startupTable(Map<String, List<double[]>> runs, String title, String suffix) {
    if (runs.isEmpty()) {
      return;
    }
    line("");
    line(
        "### Start-up: "
            + title
            + " ("
            + runs.values().iterator().next().size()
            + " runs each, interleaved)");
    line("");
    line(
        "| configuration | wall ms median [min-max] | Δ wall ms | peak RSS MB median | Δ RSS MB | stderr lines |");
    line("|---|---:|---:|---:|---:|---|");
    double baseMs = medianOf(runs.get("none"), 0);
    double baseRss = medianOf(runs.get("none"), 1);
    for (Map.Entry<String, List<double[]>> e : runs.entrySet()) {
      double[] ms = column(e.getValue(), 0);
      line(
          "| "
              + e.getKey()
              + " | "
              + f0(median(ms))
              + " ["
              + f0(Arrays.stream(ms).min().orElse(0))
              + "-"
              + f0(Arrays.stream(ms).max().orElse(0))
              + "] | "
              + String.format(Locale.ROOT, "%+.0f", median(ms) - baseMs)
              + " | "
              + f1(medianOf(e.getValue(), 1) / 1024)
              + " | "
              + String.format(Locale.ROOT, "%+.1f", (medianOf(e.getValue(), 1) - baseRss) / 1024)
              + " | "
              + String.join(" / ", run.startupStderr.getOrDefault(e.getKey() + suffix, List.of()))
                  .replace("|", "\\|")
              + " |");
    }
  }

  private void memoryTable() {
    if (run.memoryRuns.isEmpty()) {
      return;
    }
    line("");
    line(
        "### Memory: handshakes in a row (TLS 1.2, 1 in 100 full, the others resumed; each"
            + " connection dropped), after a full GC at each checkpoint");
    line("");
    line(
        "| configuration | handshakes | heap used MB | agent objects | agent object KB | HandshakeRecords |");
    line("|---|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, List<long[]>> e : run.memoryRuns.entrySet()) {
      for (long[] v : e.getValue()) {
        line(
            "| "
                + e.getKey()
                + " | "
                + v[0]
                + " | "
                + f1(v[1] / 1048576.0)
                + " | "
                + v[2]
                + " | "
                + f1(v[3] / 1024.0)
                + " | "
                + v[4]
                + " |");
      }
    }
  }

  private void exports() {
    line("");
    line(
        "Spans received by the discarding OTLP receiver, per configuration (all forks, warm-up included): "
            + exportedText());
  }

  private String exportedText() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : run.exported().entrySet()) {
      parts.add(e.getKey() + " " + e.getValue());
    }
    return String.join(", ", parts);
  }

  /** CPU per op of every Java thread (JIT compiler and GC threads excluded). */
  static double threadsCpu(Compare.Fork f) {
    return f.get("cpu.app") + f.get("cpu.agent") + f.get("cpu.export") + f.get("cpu.other");
  }

  static double[] ratios(
      List<Compare.Fork> base,
      List<Compare.Fork> with,
      ToDoubleFunction<Compare.Fork> f,
      boolean invert) {
    int n = Math.min(base.size(), with.size());
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      double b = f.applyAsDouble(base.get(i));
      double w = f.applyAsDouble(with.get(i));
      r[i] = invert ? b / w : w / b;
    }
    return r;
  }

  private static String ratio(
      List<Compare.Fork> base,
      List<Compare.Fork> with,
      ToDoubleFunction<Compare.Fork> f,
      boolean invert) {
    double[] r = ratios(base, with, f, invert);
    return String.format(
        Locale.ROOT,
        "%.3f [%.3f-%.3f]",
        median(r),
        Arrays.stream(r).min().orElse(Double.NaN),
        Arrays.stream(r).max().orElse(Double.NaN));
  }

  static double median(List<Compare.Fork> forks, ToDoubleFunction<Compare.Fork> f) {
    return median(forks.stream().mapToDouble(f).toArray());
  }

  /** The median of one measure with the agent minus its median without: what the agent added. */
  private static double added(List<Compare.Fork> with, List<Compare.Fork> base, String measure) {
    return median(with, f -> f.get(measure)) - median(base, f -> f.get(measure));
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  private static double[] column(List<double[]> rows, int i) {
    return rows.stream().mapToDouble(r -> r[i]).toArray();
  }

  private static double medianOf(List<double[]> rows, int i) {
    return median(column(rows, i));
  }

  private static String mbs(double opsPerSecond) {
    return String.format(Locale.ROOT, "%.0f MB/s", opsPerSecond * AppData.RECORD / 1e6);
  }

  private static String f0(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private void line(String s) {
    out.append(s).append('\n');
  }
}
