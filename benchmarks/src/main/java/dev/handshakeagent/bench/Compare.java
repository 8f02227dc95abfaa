package dev.handshakeagent.bench;

import dev.handshakeagent.testsupport.KeytoolPki;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The side-by-side comparison: every workload runs in single forks, the baseline (no agent) and
 * each variant one after the other (none, agent, none, agent, ...), so the machine's drift hits
 * both alike; the report gives per-workload ratios as the median and min-max over rounds. Then the
 * start-up workload: whole processes, timed, with their peak RSS. Usage: {@code java -jar
 * benchmarks.jar [options]}, see {@link #usage()}.
 */
public final class Compare {
  /** One JVM configuration a workload runs under. */
  static final class Config {
    final String name;
    final String description;
    final List<String> jvmArgs;

    Config(String name, String description, List<String> jvmArgs) {
      this.name = name;
      this.description = description;
      this.jvmArgs = jvmArgs;
    }
  }

  /** One workload: a benchmark method and its parameter. */
  public static final class Bench {
    public final String id;
    final String method;
    final String workload;
    final String group;

    Bench(String id, String method, String workload, String group) {
      this.id = id;
      this.method = method;
      this.workload = workload;
      this.group = group;
    }
  }

  /** The figures of one fork. */
  public static final class Fork {
    public double opsPerSecond;
    Map<String, Double> secondary = new LinkedHashMap<>();
    String dropped = "";

    public double get(String key) {
      return secondary.getOrDefault(key, Double.NaN);
    }
  }

  public static final List<Bench> BENCHES =
      List.of(
          new Bench("full TLS 1.3 EC P-256", "FullHandshake.handshake", "TLS13_EC", "full"),
          new Bench("full TLS 1.3 RSA 2048", "FullHandshake.handshake", "TLS13_RSA", "full"),
          new Bench("full TLS 1.2 ECDHE-RSA", "FullHandshake.handshake", "TLS12_ECDHE_RSA", "full"),
          new Bench("full mutual TLS 1.3", "FullHandshake.handshake", "MTLS13", "full"),
          new Bench("resumed TLS 1.3 PSK", "ResumedHandshake.handshake", "TLS13_EC", "resumed"),
          new Bench(
              "resumed TLS 1.2 session",
              "ResumedHandshake.handshake",
              "TLS12_ECDHE_RSA",
              "resumed"),
          new Bench("app data 16 KiB wrap+unwrap", "AppData.wrapUnwrap16k", null, "appdata"),
          new Bench("SSLSocket TLS 1.3 loopback", "SocketHandshake.handshake", null, "socket"));

  private final Map<String, String> options;
  private final Path outDir;
  private final String java;

  /**
   * Class path of the start-up and memory child JVMs: the benchmarks' own classes and the shared
   * test PKI. One jar when run from the shaded {@code benchmarks.jar}; two entries when run from
   * the module's classes (the smoke test under failsafe).
   */
  private final String benchClassPath;

  private final Path agentJar;
  private final Path pkiDir;
  private final DiscardingReceiver receiver;
  private final Map<String, Map<String, List<Fork>>> results = new LinkedHashMap<>();
  private final Map<String, Long> exported = new LinkedHashMap<>();
  private final Map<String, Long> metricExports = new LinkedHashMap<>();
  private final List<Config> configs = new ArrayList<>();

  private Compare(Map<String, String> options) throws Exception {
    this.options = options;
    this.outDir = Paths.get(options.getOrDefault("out-dir", "benchmarks/target/bench-results"));
    Files.createDirectories(outDir);
    String jvm = options.get("jvm");
    this.java =
        jvm != null
            ? Paths.get(jvm, "bin", "java").toString()
            : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    this.benchClassPath = classPath(Compare.class, KeytoolPki.class);
    this.agentJar =
        Paths.get(options.getOrDefault("agent", "agent/target/handshake-agent.jar"))
            .toAbsolutePath();
    this.pkiDir = outDir.resolve("pki").toAbsolutePath();
    BenchPki.in(pkiDir);
    this.receiver = new DiscardingReceiver();
  }

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
      System.out.println(usage());
      return;
    }
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the comparison; a bad option throws IllegalArgumentException with one line. */
  public static Compare run(String... args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unknown argument '" + a + "'\n" + usage());
      }
      int eq = a.indexOf('=');
      options.put(a.substring(2, eq < 0 ? a.length() : eq), eq < 0 ? "true" : a.substring(eq + 1));
    }
    for (String key : options.keySet()) {
      if (!ACCEPTED.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option --" + key + " (accepted: --" + String.join(", --", ACCEPTED) + ")");
      }
    }
    Compare c = new Compare(options);
    try {
      c.run();
    } finally {
      c.receiver.close();
    }
    return c;
  }

  static final List<String> ACCEPTED =
      List.of(
          "variants",
          "rounds",
          "warmup",
          "measure",
          "iterations",
          "only",
          "startup-runs",
          "jvm",
          "agent",
          "out-dir",
          "report",
          "quick",
          "memory",
          "before",
          "from");

  static String usage() {
    return String.join(
        "\n",
        "usage: java -jar benchmarks/target/benchmarks.jar [--variants=agent,...] [--rounds=N] ...",
        "  --variants=LIST      compared with 'none' (no agent): agent, agent-sampled,"
            + " agent-nophases, agent-nooffered, debug, jfr"
            + " (default agent)",
        "  --rounds=N           forks per configuration and workload, interleaved (default 3)",
        "  --warmup=MS          warm-up per fork: 2 iterations of MS ms (default 2000)",
        "  --measure=MS         measurement iteration length (default 1000)",
        "  --iterations=N       measurement iterations per fork (default 3)",
        "  --only=REGEX         workloads whose name matches (default all)",
        "  --startup-runs=N     start-up runs per configuration (default 10; 0 skips)",
        "  --jvm=JAVA_HOME      the JDK the forks run on (default this one)",
        "  --agent=PATH         the agent jar (default agent/target/handshake-agent.jar)",
        "  --out-dir=DIR        logs and results (default benchmarks/target/bench-results)",
        "  --report=FILE        the Markdown table (default OUT_DIR/results.md)",
        "  --memory=N           also N handshakes in a row per configuration, heap and the agent's"
            + " objects after GC at 5 checkpoints (default 0: skipped)",
        "  --quick              smoke run: 1 round, 1 iteration of 100 ms, no warm-up",
        "  --before=JAR         also every agent variant with this jar (NAME-before), side by"
            + " side",
        "  --from=RAW_TSV       no run: the report of an earlier run from its OUT_DIR/raw.tsv");
  }

  private int intOption(String key, int def) {
    String v = options.get(key);
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid value '" + v + "' for --" + key + " (accepted: a number >= 0)");
  }

  /**
   * A configuration by name; {@code NAME-before} is the agent configuration NAME run with the jar
   * of {@code --before} (an earlier build), so a change is measured side by side in one run.
   */
  private Config config(String name) {
    String before = options.get("before");
    if (name.endsWith("-before") && name.startsWith("agent")) {
      String jar = before == null ? "the earlier build's jar" : before;
      Config c = config(name.substring(0, name.length() - "-before".length()), jar);
      return new Config(name, c.description + "; with " + jar, c.jvmArgs);
    }
    return config(name, agentJar.toString());
  }

  private Config config(String name, String jar) {
    List<String> agent =
        List.of(
            "-javaagent:" + Paths.get(jar).toAbsolutePath(),
            "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
            "-Dotel.service.name=handshake-bench");
    switch (name) {
      case "none":
        return new Config(name, "no agent", List.of());
      case "agent":
        return new Config(
            name,
            "handshake-agent, everything on (phase spans, attributes, metrics), exporting OTLP/HTTP"
                + " to a discarding receiver on 127.0.0.1",
            agent);
      case "agent-nophases":
        List<String> np = new ArrayList<>(agent);
        np.add("-Dhandshake.phases=false");
        return new Config(
            name, "handshake-agent with phase spans off (handshake.phases=false)", np);
      case "agent-sampled":
        List<String> sampled = new ArrayList<>(agent);
        sampled.add("-Dotel.traces.sampler=traceidratio");
        sampled.add("-Dotel.traces.sampler.arg=0.01");
        return new Config(
            name,
            "handshake-agent as in production: 1% of traces sampled (traceidratio 0.01), failed and"
                + " slow handshakes still exported whole, metrics on",
            sampled);
      case "agent-nooffered":
        List<String> no = new ArrayList<>(agent);
        no.add("-Dhandshake.offered=false");
        return new Config(
            name,
            "handshake-agent without the client's offered lists (handshake.offered=false)",
            no);
      case "debug":
        return new Config(
            name,
            "-Djavax.net.debug=ssl:handshake, its output discarded",
            List.of("-Djavax.net.debug=ssl:handshake", "-Dbench.discardStderr=true"));
      case "jfr":
        return new Config(
            name,
            "Flight Recorder (default.jfc) with jdk.TLSHandshake and jdk.X509Validation on",
            List.of(
                "-XX:StartFlightRecording:settings="
                    + jfrSettings()
                    + ",filename="
                    + outDir.toAbsolutePath().resolve("bench.jfr")));
      default:
        throw new IllegalArgumentException(
            "invalid value '"
                + name
                + "' in --variants (accepted: agent, agent-sampled, agent-nophases, agent-nooffered, debug,"
                + " jfr)");
    }
  }

  /** The fork JDK's default.jfc with the two TLS events switched on. */
  private String jfrSettings() {
    try {
      Path home = Paths.get(java).getParent().getParent();
      String jfc =
          new String(
              Files.readAllBytes(home.resolve("lib/jfr/default.jfc")), StandardCharsets.UTF_8);
      for (String event : List.of("jdk.TLSHandshake", "jdk.X509Validation")) {
        Matcher m =
            Pattern.compile(
                    "(<event name=\""
                        + Pattern.quote(event)
                        + "\">\\s*<setting name=\"enabled\"[^>]*>)false")
                .matcher(jfc);
        if (!m.find()) {
          throw new IllegalStateException(event + " not found in default.jfc");
        }
        jfc = m.replaceFirst("$1true");
      }
      Path out = outDir.toAbsolutePath().resolve("tls-events.jfc");
      Files.write(out, jfc.getBytes(StandardCharsets.UTF_8));
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One line per fork in OUT_DIR/raw.tsv, so a report can be made again ({@code --from}). */
  private void appendRaw(Bench b, Config c, int round, Fork f) throws IOException {
    StringBuilder line = new StringBuilder();
    line.append(b.id).append('\t').append(c.name).append('\t').append(round).append('\t');
    line.append(f.opsPerSecond).append('\t').append(jdk).append('\t').append(f.dropped);
    for (Map.Entry<String, Double> e : f.secondary.entrySet()) {
      line.append('\t').append(e.getKey()).append('=').append(e.getValue());
    }
    line.append('\n');
    Files.write(
        outDir.resolve("raw.tsv"),
        line.toString().getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Reads the forks of an earlier run back from its raw.tsv; returns the number of rounds. */
  private int readRaw(Path file) throws IOException {
    int rounds = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      Fork fork = new Fork();
      fork.opsPerSecond = Double.parseDouble(f[3]);
      jdk = f[4];
      fork.dropped = f[5];
      for (int i = 6; i < f.length; i++) {
        int eq = f[i].indexOf('=');
        fork.secondary.put(f[i].substring(0, eq), Double.parseDouble(f[i].substring(eq + 1)));
      }
      if (configs.stream().noneMatch(c -> c.name.equals(f[1]))) {
        configs.add(config(f[1]));
      }
      results
          .computeIfAbsent(f[0], k -> new LinkedHashMap<>())
          .computeIfAbsent(f[1], k -> new ArrayList<>())
          .add(fork);
      rounds = Math.max(rounds, Integer.parseInt(f[2]));
    }
    return rounds;
  }

  private int run() throws Exception {
    String from = options.get("from");
    if (from != null) {
      int rounds = readRaw(Paths.get(from));
      this.report = new Report(this, Map.of(), 0, rounds).markdown();
      System.out.println(report);
      return 0;
    }
    boolean quick = options.containsKey("quick");
    configs.add(config("none"));
    for (String v : options.getOrDefault("variants", "agent").split(",")) {
      configs.add(config(v.trim()));
      if (options.containsKey("before") && v.trim().startsWith("agent")) {
        configs.add(config(v.trim() + "-before"));
      }
    }
    int rounds = quick ? 1 : intOption("rounds", 3);
    Pattern only = Pattern.compile(options.getOrDefault("only", ".*"));
    Instant start = Instant.now();
    Files.deleteIfExists(outDir.resolve("raw.tsv"));
    for (Bench b : BENCHES) {
      if (!only.matcher(b.id).find()) {
        continue;
      }
      for (int round = 1; round <= rounds; round++) {
        for (Config c : configs) {
          System.out.printf(Locale.ROOT, "%s  round %d/%d  %s%n", b.id, round, rounds, c.name);
          long before = receiver.spans.get();
          long metricsBefore = receiver.metricRequests.get();
          Fork f = fork(b, c, quick, round);
          exported.merge(c.name, receiver.spans.get() - before, Long::sum);
          metricExports.merge(c.name, receiver.metricRequests.get() - metricsBefore, Long::sum);
          results
              .computeIfAbsent(b.id, k -> new LinkedHashMap<>())
              .computeIfAbsent(c.name, k -> new ArrayList<>())
              .add(f);
          appendRaw(b, c, round, f);
          System.out.printf(
              Locale.ROOT,
              "    %.0f ops/s, CPU %.1f us/op, %.1f KB/op%s%n",
              f.opsPerSecond,
              f.get("cpu.process") / 1000,
              f.get("gc.alloc.rate.norm") / 1024,
              f.dropped.isEmpty() ? "" : ", " + f.dropped);
        }
      }
    }
    Map<String, List<double[]>> startup = new LinkedHashMap<>();
    Map<String, List<double[]>> startupNoTls = new LinkedHashMap<>();
    int startupRuns = intOption("startup-runs", quick ? 0 : 10);
    for (int i = 0; i < startupRuns; i++) {
      for (Config c : configs) {
        startup.computeIfAbsent(c.name, k -> new ArrayList<>()).add(startupRun(c, i, false));
        startupNoTls.computeIfAbsent(c.name, k -> new ArrayList<>()).add(startupRun(c, i, true));
      }
    }
    int memory = intOption("memory", 0);
    if (memory > 0) {
      for (Config c : configs) {
        if (!c.name.equals("debug")) {
          memoryRuns.put(c.name, memoryRun(c, memory));
        }
      }
    }
    long minutes = ChronoUnit.SECONDS.between(start, Instant.now());
    this.startupNoTlsResults = startupNoTls;
    String report = new Report(this, startup, minutes, rounds).markdown();
    Path file = Paths.get(options.getOrDefault("report", outDir.resolve("results.md").toString()));
    Files.write(file, report.getBytes(StandardCharsets.UTF_8));
    System.out.println(report);
    System.out.println("written to " + file.toAbsolutePath());
    this.report = report;
    this.startupResults = startup;
    return 0;
  }

  private Fork fork(Bench b, Config c, boolean quick, int round) throws Exception {
    Path log =
        outDir.resolve(
            b.id.replaceAll("[^A-Za-z0-9.]+", "-") + "-" + c.name + "-" + round + ".log");
    List<String> jvmArgs = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-Dbench.pki=" + pkiDir));
    jvmArgs.addAll(c.jvmArgs);
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include("^" + Pattern.quote("dev.handshakeagent.bench." + b.method) + "$")
            .forks(1)
            .threads(1)
            .jvm(java)
            .jvmArgs(jvmArgs.toArray(new String[0]))
            .addProfiler(GCProfiler.class)
            .addProfiler(CpuProfiler.class)
            .shouldFailOnError(true)
            .output(log.toString())
            .verbosity(VerboseMode.NORMAL);
    if (quick) {
      o.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
    } else {
      o.warmupIterations(2)
          .warmupTime(TimeValue.milliseconds(intOption("warmup", 2000)))
          .measurementIterations(intOption("iterations", 3))
          .measurementTime(TimeValue.milliseconds(intOption("measure", 1000)));
    }
    if (b.workload != null) {
      o.param("workload", b.workload);
    }
    List<RunResult> runs = new ArrayList<>(new Runner(o.build()).run());
    if (runs.size() != 1) {
      throw new IllegalStateException(b.id + " " + c.name + ": " + runs.size() + " results");
    }
    RunResult r = runs.get(0);
    Fork f = new Fork();
    f.opsPerSecond = r.getPrimaryResult().getScore();
    for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
      f.secondary.put(e.getKey(), e.getValue().getScore());
    }
    jdk =
        r.getParams().getJdkVersion()
            + " ("
            + r.getParams().getVmName()
            + " "
            + r.getParams().getVmVersion()
            + ")";
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.contains("dropped")) {
        f.dropped = line.trim();
      }
    }
    return f;
  }

  String jdk = "";

  /** The Markdown report, once {@link #run()} ended. */
  public String report;

  /** Start-up runs per configuration: {wall ms, peak RSS KB, stderr lines}. */
  public Map<String, List<double[]>> startupResults;

  /** As {@link #startupResults}, for the JVM that makes no TLS traffic. */
  public Map<String, List<double[]>> startupNoTlsResults = Map.of();

  /** Spans the discarding receiver got per configuration. */
  /** OTLP metric exports received from the forks of {@code config}. */
  public long metricExports(String config) {
    return metricExports.getOrDefault(config, 0L);
  }

  public long spansExported(String config) {
    return exported.getOrDefault(config, 0L);
  }

  /** The forks of one workload under one configuration. */
  public List<Fork> forks(String workload, String config) {
    return results.getOrDefault(workload, Map.of()).getOrDefault(config, List.of());
  }

  /**
   * One start-up run: {wall ms, peak RSS KB (NaN if unknown), stderr lines}; {@code noTls}: the JVM
   * that makes no TLS traffic.
   */
  private double[] startupRun(Config c, int i, boolean noTls) throws Exception {
    List<String> cmd = new ArrayList<>();
    Path time = Paths.get("/usr/bin/time");
    Path rssFile = outDir.resolve("startup-rss.txt");
    boolean timed = Files.isExecutable(time);
    if (timed) {
      cmd.addAll(List.of(time.toString(), "-f", "%M", "-o", rssFile.toString()));
    }
    cmd.add(java);
    cmd.add("-Dbench.pki=" + pkiDir);
    cmd.addAll(c.jvmArgs);
    cmd.addAll(List.of("-cp", benchClassPath, StartupMain.class.getName()));
    if (noTls) {
      cmd.add(StartupMain.NO_TLS);
    }
    String label = c.name + (noTls ? " " + StartupMain.NO_TLS : "");
    Path err =
        outDir.resolve("startup-" + c.name + (noTls ? "-" + StartupMain.NO_TLS : "") + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("start-up run did not end: " + cmd);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "start-up run failed (" + p.exitValue() + "): " + Files.readString(err));
    }
    double rss = timed ? Double.parseDouble(Files.readString(rssFile).trim()) : Double.NaN;
    List<String> lines = Files.readAllLines(err, StandardCharsets.ISO_8859_1);
    if (i == 0) {
      startupStderr.put(label, lines.size() > 20 ? List.of(lines.size() + " lines") : lines);
    }
    System.out.printf(
        Locale.ROOT, "start-up %s run %d: %.0f ms, %.0f MB%n", label, i + 1, ms, rss / 1024);
    return new double[] {ms, rss, lines.size()};
  }

  final Map<String, List<String>> startupStderr = new LinkedHashMap<>();

  /** Per configuration: the MEM lines of MemoryMain, as numbers. */
  final Map<String, List<long[]>> memoryRuns = new LinkedHashMap<>();

  private List<long[]> memoryRun(Config c, int n) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dbench.pki=" + pkiDir));
    cmd.addAll(c.jvmArgs);
    cmd.addAll(List.of("-cp", benchClassPath, MemoryMain.class.getName(), String.valueOf(n)));
    Path log = outDir.resolve("memory-" + c.name + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("memory run failed: see " + log);
    }
    List<long[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith("MEM ")) {
        String[] f = line.split(" ");
        long[] v = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
          v[i - 1] = Long.parseLong(f[i]);
        }
        out.add(v);
        System.out.println("memory " + c.name + ": " + line);
      }
    }
    return out;
  }

  private static Path jarOf(Class<?> c) throws Exception {
    return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The distinct jars or class folders the given classes were loaded from, as a class path. */
  private static String classPath(Class<?>... classes) throws Exception {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : classes) {
      entries.add(jarOf(c).toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  Map<String, Map<String, List<Fork>>> results() {
    return results;
  }

  Map<String, Long> exported() {
    return exported;
  }

  List<Config> configs() {
    return configs;
  }

  Map<String, String> options() {
    return options;
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + cpu
        + ", "
        + ManagementFactory.getOperatingSystemMXBean().getName()
        + " "
        + ManagementFactory.getOperatingSystemMXBean().getVersion();
  }
}
