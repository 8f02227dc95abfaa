package dev.handshakeagent.agent.testing;

import dev.handshakeagent.testsupport.KeytoolPki;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one launcher of child JVMs for the packaged and reliability tests: a JDK's {@code java} with
 * JVM options, environment variables added to the test JVM's own minus the machine's {@code OTEL_*}
 * and {@code HANDSHAKE_*} (a child must not pick up settings of the machine running the build), and
 * either a main class of the test classes ({@link #testMain}: with the test PKI's directory and the
 * test class path) or anything else ({@code -jar}). Run to the end ({@link #run}) or talked to
 * while it runs ({@link #start}).
 */
public final class ChildJvm {
  /** The packaged agent, built by the agent module before its failsafe tests. */
  public static final Path AGENT =
      Paths.get(System.getProperty("agent.jar", "target/handshake-agent.jar"));

  /** How long a child may run before the test fails. */
  static final long TIMEOUT_SECONDS = 240;

  private ChildJvm() {}

  /** The JDKs the packaged tests run on (set by the build, see the parent pom). */
  public static Stream<String> jdks() {
    return Stream.of(
        System.getProperty("jdk17.home", "/usr/lib/jvm/java-17-openjdk-amd64"),
        System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
  }

  /** {@code -javaagent:} for the packaged agent, with {@code options} (null: none). */
  public static String javaagent(String options) {
    if (!Files.isRegularFile(AGENT)) {
      throw new AssertionError("build the agent first: " + AGENT);
    }
    return "-javaagent:" + AGENT.toAbsolutePath() + (options == null ? "" : "=" + options);
  }

  /** Jars of this test JVM's class path whose file name starts with one of {@code names}. */
  public static List<String> testClassPathJars(String... names) {
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String file = Paths.get(entry).getFileName().toString();
      for (String n : names) {
        if (file.startsWith(n) && file.endsWith(".jar")) {
          out.add(entry);
        }
      }
    }
    return out;
  }

  /**
   * The launch of {@code main} from the test classes: the test PKI's directory, then the class path
   * (test classes, the shared test-support classes they use, then {@code extraClassPath}, the
   * application's own libraries), {@code main} and its arguments.
   */
  public static List<String> testMain(List<String> extraClassPath, Class<?> main, String... args) {
    List<String> classPath = new ArrayList<>();
    classPath.add(Paths.get("target", "test-classes").toAbsolutePath().toString());
    classPath.add(testSupportClasses());
    classPath.addAll(extraClassPath);
    List<String> out = new ArrayList<>();
    out.add("-Dtest.pki.dir=" + TestPki.dir());
    out.add("-cp");
    out.add(String.join(File.pathSeparator, classPath));
    out.add(main.getName());
    out.addAll(Arrays.asList(args));
    return out;
  }

  private static String testSupportClasses() {
    try {
      return Paths.get(KeytoolPki.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code java} of {@code javaHome}, {@code jvmArgs}, then {@code launch}, with {@code env}. */
  public static ProcessBuilder processBuilder(
      String javaHome, List<String> jvmArgs, Map<String, String> env, List<String> launch) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(javaHome, "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(launch);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("HANDSHAKE_"));
    pb.environment().putAll(env);
    return pb;
  }

  /** {@link ScenarioMain} running {@code scenarios} (none: all). */
  public static Output run(String javaHome, List<String> jvmArgs, String... scenarios)
      throws IOException, InterruptedException {
    return run(javaHome, jvmArgs, List.of(), scenarios);
  }

  /** {@link ScenarioMain}, with {@code extraClassPath} after the test classes. */
  public static Output run(
      String javaHome, List<String> jvmArgs, List<String> extraClassPath, String... scenarios)
      throws IOException, InterruptedException {
    return run(javaHome, jvmArgs, Map.of(), extraClassPath, ScenarioMain.class, scenarios);
  }

  public static Output run(
      String javaHome, List<String> jvmArgs, Map<String, String> env, Class<?> main, String... args)
      throws IOException, InterruptedException {
    return run(javaHome, jvmArgs, env, List.of(), main, args);
  }

  /** {@code main} of the test classes, with {@code extraClassPath} after them. */
  public static Output run(
      String javaHome,
      List<String> jvmArgs,
      Map<String, String> env,
      List<String> extraClassPath,
      Class<?> main,
      String... args)
      throws IOException, InterruptedException {
    return run(processBuilder(javaHome, jvmArgs, env, testMain(extraClassPath, main, args)));
  }

  /** Runs {@code pb} to its end (at most {@link #TIMEOUT_SECONDS}); stdout and stderr apart. */
  public static Output run(ProcessBuilder pb) throws IOException, InterruptedException {
    Path out = Files.createTempFile("child-out", ".txt");
    Path err = Files.createTempFile("child-err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    long start = System.nanoTime();
    try {
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "child JVM did not finish in " + TIMEOUT_SECONDS + " s: " + pb.command());
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new Output(
          p.exitValue(), read(out).lines().collect(Collectors.toList()), read(err), millis);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** A child's output as text; bytes that are not UTF-8 become U+FFFD instead of an exception. */
  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** What the child printed, and how long it ran. */
  public static final class Output {
    public final int exitCode;
    public final List<String> stdout;
    public final String stderr;
    public final long millis;

    Output(int exitCode, List<String> stdout, String stderr, long millis) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
      this.millis = millis;
    }

    /** The RESULT lines of ScenarioMain without their ports (which differ between runs). */
    public List<String> results() {
      List<String> out = new ArrayList<>();
      for (String line : stdout) {
        if (line.startsWith("RESULT ")) {
          out.add(line.replaceFirst(" port=\\d+", ""));
        }
      }
      return out;
    }

    /** Stderr without the JVM's own note about the appended boot class path. */
    public List<String> stderrLines() {
      return stderrLines(stderr);
    }

    static List<String> stderrLines(String stderr) {
      List<String> out = new ArrayList<>();
      for (String line : stderr.split("\n")) {
        if (!line.isBlank()
            && !line.contains("Sharing is only supported for boot loader classes")) {
          out.add(line);
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return "exit "
          + exitCode
          + " after "
          + millis
          + " ms\nstdout: "
          + stdout
          + "\nstderr: "
          + stderr;
    }
  }

  /** Starts {@code main} of the test classes, as {@link #run} would, for a {@link Session}. */
  public static Session start(
      String javaHome, List<String> jvmArgs, Map<String, String> env, Class<?> main, String... args)
      throws IOException {
    ProcessBuilder pb = processBuilder(javaHome, jvmArgs, env, testMain(List.of(), main, args));
    Path err = Files.createTempFile("child-err", ".txt");
    pb.redirectError(err.toFile());
    return new Session(pb.start(), err);
  }

  /**
   * A running child JVM the test talks to: commands on its stdin, its stdout lines as they come,
   * its stderr read between steps.
   */
  public static final class Session implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final Path err;
    private final long start = System.nanoTime();
    private int stderrSeen;

    private Session(Process process, Path err) {
      this.process = process;
      this.err = err;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    stdout.add(line);
                    lines.add(line);
                  }
                } catch (IOException ignored) {
                  // the child ended
                }
              },
              "child-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    public void send(String command) throws IOException {
      stdin.write(command + "\n");
      stdin.flush();
    }

    /** The next stdout line starting with {@code prefix} (other lines are kept in stdout). */
    public String await(String prefix, long timeoutMillis) throws InterruptedException {
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      while (true) {
        String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError(
              "no '" + prefix + "' line from the child in " + timeoutMillis + " ms: " + stdout);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    /** Stderr lines (as {@link Output#stderrLines}) written since the last call. */
    public List<String> newStderrLines() throws IOException {
      List<String> all = Output.stderrLines(read(err));
      List<String> out = new ArrayList<>(all.subList(Math.min(stderrSeen, all.size()), all.size()));
      stderrSeen = all.size();
      return out;
    }

    public long millis() {
      return (System.nanoTime() - start) / 1_000_000;
    }

    /** Sends {@code command} (which makes the child end) and waits for it to exit. */
    public Output finish(String command, long timeoutMillis)
        throws IOException, InterruptedException {
      send(command);
      stdin.close();
      if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("child JVM did not exit in " + timeoutMillis + " ms");
      }
      long millis = millis();
      process.getInputStream().close();
      Thread.sleep(100); // lets the reader thread take the last lines
      return new Output(process.exitValue(), new ArrayList<>(stdout), read(err), millis);
    }

    @Override
    public void close() throws IOException {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(err);
    }
  }
}
