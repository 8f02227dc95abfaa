package dev.handshakeagent.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link ScenarioMain} in a child JVM of a given JDK, with or without the packaged agent. */
public final class ChildJvm {

  /** What the child printed. */
  public static final class Output {
    public final int exitCode;
    public final List<String> stdout;
    public final String stderr;

    Output(int exitCode, List<String> stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    /** The RESULT lines without their ports (which differ between runs). */
    public List<String> results() {
      List<String> out = new ArrayList<>();
      for (String line : stdout) {
        if (line.startsWith("RESULT ")) {
          out.add(line.replaceFirst(" port=\\d+", ""));
        }
      }
      return out;
    }
  }

  private ChildJvm() {}

  /** Jars of this test JVM's class path whose file name contains one of {@code names}. */
  public static List<String> testClassPathJars(String... names) {
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String file = Paths.get(entry).getFileName().toString();
      for (String n : names) {
        if (file.startsWith(n) && file.endsWith(".jar")) {
          out.add(entry);
        }
      }
    }
    return out;
  }

  public static Output run(String javaHome, List<String> jvmArgs, String... scenarios)
      throws IOException, InterruptedException {
    return run(javaHome, jvmArgs, List.of(), scenarios);
  }

  /** With {@code extraClassPath} after the test classes (the application's own libraries). */
  public static Output run(
      String javaHome, List<String> jvmArgs, List<String> extraClassPath, String... scenarios)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(javaHome, "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-Dtest.pki.dir=" + TestPki.dir());
    cmd.add("-cp");
    List<String> cp = new ArrayList<>();
    cp.add(Paths.get("target", "test-classes").toAbsolutePath().toString());
    cp.addAll(extraClassPath);
    cmd.add(String.join(java.io.File.pathSeparator, cp));
    cmd.add(ScenarioMain.class.getName());
    cmd.addAll(Arrays.asList(scenarios));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // The child must not pick up OpenTelemetry or agent settings from the machine running the
    // build.
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("HANDSHAKE_"));
    Path out = Files.createTempFile("child-out", ".txt");
    Path err = Files.createTempFile("child-err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish in 240 s: " + cmd);
    }
    Output o =
        new Output(
            p.exitValue(),
            Files.readAllLines(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return o;
  }
}
