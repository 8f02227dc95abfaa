package dev.handshakeagent.agent.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.handshakeagent.agent.providers.BcjsseLoopMain;
import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.LoopMain;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar handshake-agent.jar attach|detach|list} against a running JVM of each JDK that
 * keeps doing handshakes: spans start after attach, stop after detach, start again after a second
 * attach, and the service never sees an exception. Plus every error case of the command.
 */
class PackagedAgentAttachTest {

  static Stream<String> jdks() {
    return PackagedAgentOptionsTest.jdks();
  }

  static String agentJar() {
    return PackagedAgentTest.AGENT.toAbsolutePath().toString();
  }

  /** A running service: a child JVM doing handshakes in a loop, with no agent. */
  static final class Service implements AutoCloseable {
    final Process process;
    final Path stop;
    final Path out;

    Service(String javaHome, String... jvmArgs) throws IOException {
      this(javaHome, List.of(), LoopMain.class, jvmArgs);
    }

    /** {@code main} on the test class path plus {@code libraries}, with the stop file's name. */
    Service(String javaHome, List<String> libraries, Class<?> main, String... jvmArgs)
        throws IOException {
      stop = Files.createTempFile("loop-stop", "");
      Files.delete(stop);
      out = Files.createTempFile("loop-out", ".txt");
      ProcessBuilder pb =
          ChildJvm.processBuilder(
                  javaHome,
                  List.of(jvmArgs),
                  Map.of(),
                  ChildJvm.testMain(libraries, main, stop.toString()))
              .redirectErrorStream(true);
      pb.redirectOutput(out.toFile());
      process = pb.start();
    }

    String output() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    long results() throws IOException {
      return output().lines().filter(l -> l.startsWith("RESULT ")).count();
    }

    int finish() throws Exception {
      Files.createFile(stop);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service did not stop");
      return process.exitValue();
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      Files.deleteIfExists(stop);
      Files.deleteIfExists(out);
    }
  }

  /** The command's exit code and output. */
  record Command(int exit, String out, String err) {}

  static Command agentCommand(String javaHome, String... args) throws Exception {
    return command(javaHome, List.of(), args);
  }

  static Command command(String javaHome, List<String> jvmArgs, String... args) throws Exception {
    List<String> launch = new ArrayList<>(List.of("-jar", agentJar()));
    launch.addAll(List.of(args));
    ChildJvm.Output o = ChildJvm.run(ChildJvm.processBuilder(javaHome, jvmArgs, Map.of(), launch));
    return new Command(o.exitCode, String.join("\n", o.stdout).trim(), o.stderr.trim());
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  static long roots(OtlpReceiver receiver) {
    return receiver.spans().stream().filter(OtlpReceiver.Received::isRoot).count();
  }

  static List<String> dynamicLoadingFlag(String javaHome) throws Exception {
    // JDK 21+ warns when an agent is loaded dynamically unless the JVM allows it explicitly.
    Command v = command(javaHome, List.of("-XX:+EnableDynamicAgentLoading", "-version"));
    return v.exit() == 0 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void attachDetachAttachWhileTheServiceKeepsShaking(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        Service service =
            new Service(javaHome, dynamicLoadingFlag(javaHome).toArray(new String[0]))) {
      await("the service's first handshakes", () -> unchecked(service::results) >= 2);
      String pid = String.valueOf(service.process.pid());
      assertEquals(0, roots(receiver), "nothing is exported before attach");

      Command listed = agentCommand(javaHome, "list");
      assertEquals(0, listed.exit(), listed.err());
      assertTrue(
          listed.out().lines().anyMatch(l -> l.startsWith(pid + " ") && l.contains(" no ")),
          listed.out());

      Command attach =
          agentCommand(
              javaHome,
              "attach",
              pid,
              "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
              "otel.bsp.schedule.delay=100",
              "otel.service.name=loop-service");
      assertEquals(0, attach.exit(), attach.err());
      assertTrue(attach.out().startsWith("attached handshake-agent"), attach.out());
      await("spans after attach", () -> roots(receiver) >= 8);
      assertEquals("loop-service", receiver.spans().get(0).resourceAttr("service.name"));

      Command again = agentCommand(javaHome, "attach", pid);
      assertEquals(0, again.exit(), again.err());
      assertTrue(again.out().contains("already attached"), again.out());

      Command detach = agentCommand(javaHome, "detach", pid);
      assertEquals(0, detach.exit(), detach.err());
      assertTrue(detach.out().startsWith("detached handshake-agent"), detach.out());
      long afterDetach = roots(receiver);
      long resultsAtDetach = service.results();
      await(
          "more handshakes after detach", () -> unchecked(service::results) >= resultsAtDetach + 6);
      assertEquals(afterDetach, roots(receiver), "no span after detach");

      Command reattach =
          agentCommand(
              javaHome,
              "attach",
              pid,
              "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
              "otel.bsp.schedule.delay=100");
      assertEquals(0, reattach.exit(), reattach.err());
      await("spans after the second attach", () -> roots(receiver) >= afterDetach + 8);

      assertEquals(0, service.finish(), service.output());
      String output = service.output();
      assertTrue(output.lines().noneMatch(l -> l.startsWith("UNEXPECTED")), output);
      assertTrue(!output.contains("Exception"), output);
      // A second attach must not stack hooks on top of the first: no phase nested in itself.
      Map<ByteString, String> names = new HashMap<>();
      for (OtlpReceiver.Received s : receiver.spans()) {
        names.put(s.span.getSpanId(), s.span.getName());
      }
      for (OtlpReceiver.Received s : receiver.spans()) {
        assertTrue(
            !s.span.getName().equals(names.get(s.span.getParentSpanId())),
            "phase nested in itself (hooks applied twice): " + s.span.getName());
      }
      for (OtlpReceiver.Received root :
          receiver.spans().stream()
              .filter(OtlpReceiver.Received::isRoot)
              .collect(Collectors.toList())) {
        assertTrue(root.attr("tls.established") != null, root.toString());
        assertTrue(root.span.getEndTimeUnixNano() >= root.span.getStartTimeUnixNano());
      }
    }
  }

  /**
   * A service whose TLS runs in BCJSSE: its classes are loaded before the agent comes, so attaching
   * hooks them by retransformation, and detaching gives them back their own bytecode.
   */
  @ParameterizedTest
  @MethodSource("jdks")
  void attachAndDetachOnAServiceWhoseTlsRunsInBcjsse(String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        Service service =
            new Service(
                javaHome,
                PackagedAgentBcjsseTest.bcJars(),
                BcjsseLoopMain.class,
                dynamicLoadingFlag(javaHome).toArray(new String[0]))) {
      await("the service's first handshakes", () -> unchecked(service::results) >= 2);
      String pid = String.valueOf(service.process.pid());
      Command attach =
          agentCommand(
              javaHome,
              "attach",
              pid,
              "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
              "otel.bsp.schedule.delay=100");
      assertEquals(0, attach.exit(), attach.err());
      await("BCJSSE roots after attach", () -> roots(receiver) >= 8);
      List<OtlpReceiver.Received> spans = receiver.spans();
      assertTrue(
          spans.stream()
              .filter(OtlpReceiver.Received::isRoot)
              .allMatch(r -> "BCJSSE".equals(r.attr("handshake.provider"))),
          spans.toString());
      assertTrue(
          spans.stream().anyMatch(s -> s.span.getName().equals("send client_hello")),
          "phase spans of BCJSSE handshakes");

      Command detach = agentCommand(javaHome, "detach", pid);
      assertEquals(0, detach.exit(), detach.err());
      long afterDetach = roots(receiver);
      long resultsAtDetach = service.results();
      await(
          "more handshakes after detach", () -> unchecked(service::results) >= resultsAtDetach + 6);
      assertEquals(afterDetach, roots(receiver), "no span after detach");
      assertEquals(0, service.finish(), service.output());
      assertTrue(
          service.output().lines().noneMatch(l -> l.startsWith("UNEXPECTED")), service.output());
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void errorCasesAreOneLineWithAnExitCode(String javaHome) throws Exception {
    Command noPid = agentCommand(javaHome, "attach", "999999999");
    assertEquals(1, noPid.exit());
    assertEquals("handshake-agent: no process with pid 999999999", noPid.err());

    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      Command notJvm = agentCommand(javaHome, "attach", String.valueOf(sleep.pid()));
      assertEquals(1, notJvm.exit());
      assertTrue(notJvm.err().contains("is not a Java virtual machine"), notJvm.err());
      assertEquals(1, notJvm.err().lines().count());
    } finally {
      sleep.destroyForcibly();
    }

    try (Service locked = new Service(javaHome, "-XX:+DisableAttachMechanism")) {
      await("the locked service to start", () -> unchecked(locked::output).contains("READY"));
      Command disabled = agentCommand(javaHome, "attach", String.valueOf(locked.process.pid()));
      assertEquals(1, disabled.exit());
      assertTrue(disabled.err().contains("-XX:+DisableAttachMechanism"), disabled.err());
      assertEquals(1, disabled.err().lines().count());
    }

    Command noAttachModule =
        command(
            javaHome,
            List.of("--limit-modules", "java.base,java.instrument,java.logging"),
            "attach",
            "1");
    assertEquals(3, noAttachModule.exit());
    assertTrue(noAttachModule.err().contains("has no jdk.attach module"), noAttachModule.err());

    Command badPid = agentCommand(javaHome, "attach", "abc");
    assertEquals(2, badPid.exit());
    assertTrue(
        badPid.err().startsWith("handshake-agent: 'abc' is not a pid; usage:"), badPid.err());

    Command badOption = agentCommand(javaHome, "attach", "1", "phases=maybe");
    assertEquals(2, badOption.exit());
    assertTrue(
        badOption.err().contains("'maybe' for agent option phases (accepted: true, false)"),
        badOption.err());

    Command unknown = agentCommand(javaHome, "frobnicate");
    assertEquals(2, unknown.exit());
  }

  @Test
  void jvmOfAnotherUserIsRefusedWithTheReason() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to start as nobody");
    assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")), "needs setpriv");
    String javaHome = System.getProperty("java.home");
    // A process of another user (setpriv execs, so the pid is the process itself); the user check
    // comes before anything else, so it needs not be a JVM.
    Process other =
        new ProcessBuilder(
                "/usr/bin/setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "sleep",
                "60")
            .start();
    try {
      await(
          "the other user's process",
          () ->
              ProcessHandle.of(other.pid())
                  .flatMap(h -> h.info().user())
                  .map("nobody"::equals)
                  .orElse(false));
      Command refused = agentCommand(javaHome, "attach", String.valueOf(other.pid()));
      assertEquals(1, refused.exit());
      assertTrue(refused.err().contains("runs as user nobody"), refused.err());
      assertEquals(1, refused.err().lines().count());
    } finally {
      other.destroyForcibly();
    }
  }

  interface IoSupplier<T> {
    T get() throws IOException;
  }

  static <T> T unchecked(IoSupplier<T> s) {
    try {
      return s.get();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
