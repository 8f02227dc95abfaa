package dev.handshakeagent.agent.reliability;

import dev.handshakeagent.agent.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
import java.util.stream.Stream;

/**
 * A child JVM of a given JDK running a main class from the test classes, with JVM options and extra
 * environment variables (the machine's own {@code OTEL_*} and {@code HANDSHAKE_*} are removed).
 * Like {@code testing.ChildJvm}, which runs only {@code ScenarioMain} and sets no environment.
 */
final class ChildProcess {
  static final Path AGENT =
      Paths.get(System.getProperty("agent.jar", "target/handshake-agent.jar"));

  /** What the child printed, and how long it ran. */
  static final class Output {
    final int exitCode;
    final List<String> stdout;
    final String stderr;
    final long millis;

    Output(int exitCode, List<String> stdout, String stderr, long millis) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
      this.millis = millis;
    }

    /** The RESULT lines of ScenarioMain without their ports (which differ between runs). */
    List<String> results() {
      List<String> out = new ArrayList<>();
      for (String line : stdout) {
        if (line.startsWith("RESULT ")) {
          out.add(line.replaceFirst(" port=\\d+", ""));
        }
      }
      return out;
    }

    /** Stderr without the JVM's own note about the appended boot class path. */
    List<String> stderrLines() {
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

  private ChildProcess() {}

  /**
   * A running child JVM the test talks to: commands on its stdin, its stdout lines as they come,
   * its stderr read between steps.
   */
  static final class Session implements AutoCloseable {
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

    void send(String command) throws IOException {
      stdin.write(command + "\n");
      stdin.flush();
    }

    /** The next stdout line starting with {@code prefix} (other lines are kept in stdout). */
    String await(String prefix, long timeoutMillis) throws InterruptedException {
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
    List<String> newStderrLines() throws IOException {
      List<String> all =
          new Output(0, List.of(), Files.readString(err, StandardCharsets.ISO_8859_1), 0)
              .stderrLines();
      List<String> out = new ArrayList<>(all.subList(Math.min(stderrSeen, all.size()), all.size()));
      stderrSeen = all.size();
      return out;
    }

    long millis() {
      return (System.nanoTime() - start) / 1_000_000;
    }

    /** Sends {@code command} (which makes the child end) and waits for it to exit. */
    Output finish(String command, long timeoutMillis) throws IOException, InterruptedException {
      send(command);
      stdin.close();
      if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("child JVM did not exit in " + timeoutMillis + " ms");
      }
      long millis = millis();
      process.getInputStream().close();
      Thread.sleep(100); // lets the reader thread take the last lines
      return new Output(
          process.exitValue(),
          new ArrayList<>(stdout),
          Files.readString(err, StandardCharsets.ISO_8859_1),
          millis);
    }

    @Override
    public void close() throws IOException {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(err);
    }
  }

  /** Starts a child JVM as {@link #run} does, for a {@link Session}. */
  static Session start(
      String javaHome, List<String> jvmArgs, Map<String, String> env, Class<?> main, String... args)
      throws IOException {
    if (!Files.isRegularFile(AGENT)) {
      throw new AssertionError("build the agent first: " + AGENT);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(javaHome, "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-Dtest.pki.dir=" + TestPki.dir());
    cmd.add("-cp");
    cmd.add(Paths.get("target", "test-classes").toAbsolutePath().toString());
    cmd.add(main.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("HANDSHAKE_"));
    pb.environment().putAll(env);
    Path err = Files.createTempFile("child-err", ".txt");
    pb.redirectError(err.toFile());
    return new Session(pb.start(), err);
  }

  static Stream<String> jdks() {
    return Stream.of(
        System.getProperty("jdk17.home", "/usr/lib/jvm/java-17-openjdk-amd64"),
        System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
  }

  static String javaagent(String options) {
    return "-javaagent:" + AGENT.toAbsolutePath() + (options == null ? "" : "=" + options);
  }

  static Output run(
      String javaHome, List<String> jvmArgs, Map<String, String> env, Class<?> main, String... args)
      throws IOException, InterruptedException {
    return run(javaHome, jvmArgs, env, List.of(), main, args);
  }

  /** With {@code extraClassPath} after the test classes (the application's own libraries). */
  static Output run(
      String javaHome,
      List<String> jvmArgs,
      Map<String, String> env,
      List<String> extraClassPath,
      Class<?> main,
      String... args)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(AGENT)) {
      throw new AssertionError("build the agent first: " + AGENT);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(javaHome, "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-Dtest.pki.dir=" + TestPki.dir());
    cmd.add("-cp");
    List<String> classPath = new ArrayList<>();
    classPath.add(Paths.get("target", "test-classes").toAbsolutePath().toString());
    classPath.addAll(extraClassPath);
    cmd.add(String.join(java.io.File.pathSeparator, classPath));
    cmd.add(main.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("HANDSHAKE_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile("child-out", ".txt");
    Path err = Files.createTempFile("child-err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish in 180 s: " + cmd);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    try {
      return new Output(
          p.exitValue(),
          Files.readAllLines(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.ISO_8859_1),
          millis);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
