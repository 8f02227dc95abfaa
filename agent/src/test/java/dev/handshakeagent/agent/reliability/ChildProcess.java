package dev.handshakeagent.agent.reliability;

import dev.handshakeagent.agent.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
