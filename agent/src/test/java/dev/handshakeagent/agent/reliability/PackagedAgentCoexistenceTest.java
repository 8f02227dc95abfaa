package dev.handshakeagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import dev.handshakeagent.agent.testing.ScenarioMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.bytebuddy.jar.asm.ClassReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent next to what applications bring along, on a child JVM of each JDK: their own
 * OpenTelemetry API and SDK (an old and a current version), Byte Buddy (on the class path, and in a
 * plugin class loader), SLF4J with Logback or Log4j 2 configured by their own files, and the
 * official OpenTelemetry Java agent (both orders of {@code -javaagent}). Each run is compared with
 * the same run without this agent: the application's output, log files, spans and stderr are the
 * same; no class conflict shows; this agent exports exactly one handshake tree per side and
 * handshake. The libraries are copied to {@code target/coexist/} by the build (maven-dependency
 * plugin, {@code pre-integration-test}); none of them is on this JVM's class path.
 */
class PackagedAgentCoexistenceTest {
  static final Path DIR = Paths.get(System.getProperty("coexist.dir", "target/coexist"));

  /** Names of the errors a class conflict shows as. */
  static final Pattern CONFLICT =
      Pattern.compile(
          "LinkageError|NoClassDefFoundError|ClassNotFoundException|ClassCastException"
              + "|NoSuchMethodError|NoSuchFieldError|IncompatibleClassChangeError"
              + "|AbstractMethodError|ExceptionInInitializerError|IllegalAccessError|VerifyError"
              + "|ServiceConfigurationError|multiple (SLF4J )?bindings|SLF4J\\(W\\)|SLF4J\\(E\\)");

  /** The JVM's own note when an agent appends to the boot class path (see README). */
  static final String CDS_NOTE = "Sharing is only supported for boot loader classes";

  static final String INSIDE =
      "TLS13_SOCKET_RSA,TLS12_ENGINE,RESUME13_SOCKET,PROTOCOL_MISMATCH,HTTPS_URL_CONNECTION";
  static final String OUTSIDE = "TLS13_SOCKET_EC";

  static final String[] OFFICIAL_SCENARIOS = {
    "TLS13_SOCKET_RSA",
    "TLS12_ENGINE",
    "PROTOCOL_MISMATCH",
    "HTTPS_HTTP_CLIENT",
    "HTTPS_URL_CONNECTION"
  };

  /** An application's library stack, under {@code target/coexist/<name>/}. */
  enum Stack {
    /** OpenTelemetry 1.0, Byte Buddy 1.14 on the class path, SLF4J 1.7 + Logback 1.2. */
    OLD(
        "logback.xml",
        "<configuration>\n"
            + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
            + "    <file>${app.log}</file>\n"
            + "    <encoder><pattern>APP1 %-5level %logger [%thread] %msg%n</pattern></encoder>\n"
            + "  </appender>\n"
            + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
            + "    <encoder><pattern>APP1-CONSOLE %-5level %logger %msg%n</pattern></encoder>\n"
            + "  </appender>\n"
            + "  <logger name=\"app.noisy\" level=\"WARN\"/>\n"
            + "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/><appender-ref ref=\"OUT\"/></root>\n"
            + "</configuration>\n",
        "APP1"),
    /**
     * OpenTelemetry 1.68 exporting over OTLP/HTTP itself, Byte Buddy 1.18 in a plugin class loader,
     * SLF4J 2 + Log4j 2 selected with {@code -Dslf4j.provider}.
     */
    CURRENT(
        "log4j2.xml",
        "<Configuration status=\"WARN\">\n"
            + "  <Appenders>\n"
            + "    <File name=\"FILE\" fileName=\"${sys:app.log}\">\n"
            + "      <PatternLayout pattern=\"APP2 %-5level %c [%t] %m%n\"/>\n"
            + "    </File>\n"
            + "    <Console name=\"OUT\" target=\"SYSTEM_OUT\">\n"
            + "      <PatternLayout pattern=\"APP2-CONSOLE %-5level %c %m%n\"/>\n"
            + "    </Console>\n"
            + "  </Appenders>\n"
            + "  <Loggers>\n"
            + "    <Logger name=\"app.noisy\" level=\"warn\"/>\n"
            + "    <Root level=\"info\"><AppenderRef ref=\"FILE\"/><AppenderRef ref=\"OUT\"/></Root>\n"
            + "  </Loggers>\n"
            + "</Configuration>\n",
        "APP2");

    final String configFile;
    final String config;
    final String prefix;

    Stack(String configFile, String config, String prefix) {
      this.configFile = configFile;
      this.config = config;
      this.prefix = prefix;
    }

    Path dir() {
      return DIR.resolve(name().toLowerCase());
    }

    /** The application's class path: its configuration directory and its jars. */
    List<String> classPath() throws IOException {
      Path config = DIR.resolve(name().toLowerCase() + "-config");
      Files.createDirectories(config);
      Files.writeString(config.resolve(configFile), this.config);
      List<String> out = new ArrayList<>();
      out.add(config.toAbsolutePath().toString());
      out.addAll(jars());
      return out;
    }

    List<String> jars() throws IOException {
      if (!Files.isDirectory(dir())) {
        throw new AssertionError(
            dir() + " missing: run mvn verify (pre-integration-test copies it)");
      }
      try (Stream<Path> files = Files.list(dir())) {
        return files.map(p -> p.toAbsolutePath().toString()).sorted().collect(Collectors.toList());
      }
    }

    String byteBuddy() {
      return this == OLD
          ? "classpath"
          : DIR.resolve("plugin-byte-buddy.jar").toAbsolutePath().toString();
    }

    /** The log file the application's configuration writes, line by line. */
    List<String> expectedLog() {
      return List.of(
          prefix + " INFO  app.main [main] application starting",
          prefix + " WARN  app.noisy [main] a warning of the noisy logger",
          prefix + " INFO  app.main [main] handling the request",
          prefix + " INFO  app.main [main] outside any span",
          prefix + " INFO  app.main [main] application done");
    }
  }

  static Stream<String> jdks() {
    return ChildJvm.jdks();
  }

  static Stream<Arguments> jdksAndStacks() {
    return jdks().flatMap(j -> Stream.of(Stack.values()).map(s -> Arguments.of(j, s)));
  }

  static Stream<Arguments> jdksAndOrders() {
    return jdks().flatMap(j -> Stream.of(Arguments.of(j, true), Arguments.of(j, false)));
  }

  // ---------------------------------------------------------------- the agent jar itself

  /**
   * Everything the agent jar puts on the application's class path (it is appended to the system
   * class path) is under the agent's own package, in every view of the multi-release jar: a class
   * or resource under another name (an unrelocated {@code META-INF/versions/N/net/bytebuddy/...})
   * is seen by the application's class loaders on that JDK; and each class file declares the name
   * its path gives.
   */
  @Test
  void agentJarExposesNothingOutsideItsOwnPackage() throws IOException {
    List<String> foreign = new ArrayList<>();
    List<String> misnamed = new ArrayList<>();
    int classes = 0;
    try (ZipFile jar = new ZipFile(ChildJvm.AGENT.toFile())) {
      for (ZipEntry e : jar.stream().collect(Collectors.toList())) {
        if (e.isDirectory()) {
          continue;
        }
        String logical = e.getName().replaceFirst("^META-INF/versions/\\d+/", "");
        if (!logical.startsWith("dev/handshakeagent/") && !logical.startsWith("META-INF/")) {
          foreign.add(e.getName());
        }
        if (logical.endsWith(".class")) {
          classes++;
          String declared = new ClassReader(jar.getInputStream(e).readAllBytes()).getClassName();
          if (!logical.equals(declared + ".class")) {
            misnamed.add(e.getName() + " declares " + declared);
          }
        }
      }
    }
    assertEquals(List.of(), foreign, "entries outside dev/handshakeagent/ and META-INF/");
    assertEquals(List.of(), misnamed, "class files whose path is not their name");
    Reliability.report("agent jar: " + classes + " class files, all under dev/handshakeagent/");
  }

  // ---------------------------------------------------------------- the application's libraries

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("jdksAndStacks")
  void applicationWithItsOwnLibraries(String javaHome, Stack stack) throws Exception {
    List<String> cp = stack.classPath();
    String jdk = Paths.get(javaHome).getFileName().toString();
    Path plainLog = DIR.resolve(stack.name().toLowerCase() + "-" + jdk + "-plain.log");
    Path tracedLog = DIR.resolve(stack.name().toLowerCase() + "-" + jdk + "-traced.log");
    Files.deleteIfExists(plainLog);
    Files.deleteIfExists(tracedLog);
    String[] args = {"--bytebuddy", stack.byteBuddy(), "--inside", INSIDE, "--outside", OUTSIDE};
    try (OtlpReceiver agentReceiver = new OtlpReceiver();
        OtlpReceiver plainAppReceiver = new OtlpReceiver();
        OtlpReceiver appReceiver = new OtlpReceiver()) {
      ChildJvm.Output plain =
          ChildJvm.run(
              javaHome,
              appArgs(stack, plainLog, plainAppReceiver),
              Map.of(),
              cp,
              CoexistApp.class,
              args);
      assertEquals(0, plain.exitCode, "the application alone: " + plain);
      assertTrue(plain.stdout.contains("DONE"), plain.toString());

      List<String> jvm = new ArrayList<>();
      // An unknown option, so that the agent logs one line next to the application's logging.
      jvm.add(
          ChildJvm.javaagent("colour=red,otel.exporter.otlp.endpoint=" + agentReceiver.endpoint()));
      jvm.addAll(appArgs(stack, tracedLog, appReceiver));
      ChildJvm.Output traced = ChildJvm.run(javaHome, jvm, Map.of(), cp, CoexistApp.class, args);

      // Starts, runs and ends as without the agent; no class conflict anywhere.
      assertEquals(0, traced.exitCode, traced.toString());
      assertEquals(List.of(), conflicts(traced), "class conflicts: " + traced);
      // The application's own output (libraries it loaded and from which jar, logger levels, Byte
      // Buddy's class, console log lines, TLS results, its spans with their parent relations) is
      // the same, ids and ports aside.
      assertEquals(normalize(plain.stdout), normalize(traced.stdout), "stdout, with vs without");
      for (String line : traced.stdout) {
        if (line.startsWith("LIB ")) {
          assertFalse(line.contains("handshake-agent"), line);
        }
      }
      assertTrue(traced.stdout.stream().anyMatch(l -> l.startsWith("BYTEBUDDY app.")), "" + traced);
      // The application's log file: its pattern, its levels, none of the agent's lines.
      List<String> plainFile = Files.readAllLines(plainLog, StandardCharsets.UTF_8);
      List<String> tracedFile = Files.readAllLines(tracedLog, StandardCharsets.UTF_8);
      assertEquals(stack.expectedLog(), plainFile, "the application's log file without the agent");
      assertEquals(stack.expectedLog(), tracedFile, "the application's log file with the agent");
      // stderr: what the application printed without the agent, plus the agent's one line in its
      // own format (SLF4J and the logging backend report nothing more).
      List<String> agentLines =
          traced.stderrLines().stream()
              .filter(l -> l.startsWith("WARN handshake-agent - "))
              .collect(Collectors.toList());
      assertEquals(1, agentLines.size(), traced.stderr);
      assertTrue(agentLines.get(0).contains("unknown agent option 'colour'"), agentLines.get(0));
      List<String> rest = new ArrayList<>(traced.stderrLines());
      rest.removeAll(agentLines);
      assertEquals(plain.stderrLines(), rest, "stderr besides the agent's line");

      // This agent's export: one handshake tree per side and connection, none of the app's spans.
      AppTrace app = AppTrace.of(traced.stdout);
      Trees trees = Trees.of(agentReceiver.spans(), app.requestSpan);
      int connections = traced.results().size();
      int outside = (int) traced.results().stream().filter(r -> r.contains(OUTSIDE)).count();
      assertEquals(connections, trees.roots("client").size(), trees.toString());
      assertEquals(connections, trees.roots("server").size(), trees.toString());
      assertTrue(trees.phases > 0, "phase spans");
      // The agent's client roots inside the application's request span are its children, in its
      // trace; those outside any span, and every root on a thread without the span, are roots.
      for (OtlpReceiver.Received r : trees.roots("client")) {
        boolean isOutside =
            r.attr("server.port") != null && app.outsidePorts.contains(r.attr("server.port"));
        if (isOutside) {
          assertTrue(r.span.getParentSpanId().isEmpty(), "outside the app's span: " + r);
        } else {
          assertEquals(app.requestSpan, hex(r.span.getParentSpanId().toByteArray()), r.toString());
          assertEquals(app.traceId, hex(r.span.getTraceId().toByteArray()), r.toString());
        }
      }
      assertEquals(outside, app.outsidePorts.size());
      // Server roots: only the SSLEngine server, driven by the same thread inside the span, has
      // it as parent; socket servers and the HttpsServer run on threads of their own.
      Map<String, String> scenarios = scenarioByPort(traced.stdout);
      for (OtlpReceiver.Received r : trees.roots("server")) {
        assertEquals(
            "TLS12_ENGINE".equals(scenarios.get(port(r))),
            !r.span.getParentSpanId().isEmpty(),
            r.toString());
      }
      long parented =
          agentReceiver.spans().stream()
              .filter(r -> isHandshakeRoot(r) && !r.span.getParentSpanId().isEmpty())
              .count();
      // The application's own export (current stack): its two spans, same as without the agent.
      List<String> appSpans = names(appReceiver.spans());
      if (stack == Stack.CURRENT) {
        assertEquals(List.of("GET /orders", "render orders"), appSpans);
        // The span the agent's roots point to is the one the application exported itself.
        assertTrue(
            appReceiver.spans().stream()
                .anyMatch(
                    r ->
                        hex(r.span.getSpanId().toByteArray()).equals(app.requestSpan)
                            && hex(r.span.getTraceId().toByteArray()).equals(app.traceId)),
            "the application's request span in its own export");
        assertEquals(appSpans, names(plainAppReceiver.spans()));
        assertTrue(
            appReceiver.spans().stream()
                .allMatch(r -> "coexist-app".equals(r.resourceAttr("service.name"))));
      } else {
        assertEquals(List.of(), appSpans);
      }
      assertEquals(
          2,
          traced.stdout.stream().filter(l -> l.startsWith("APPSPAN-EXPORTED ")).count(),
          "the application's own exporter");
      Reliability.reportChild(
          javaHome,
          "coexistence "
              + stack
              + ": "
              + connections
              + " handshakes, "
              + (trees.roots("client").size() + trees.roots("server").size())
              + " roots ("
              + parented
              + " children of the app's span), "
              + trees.phases
              + " phase spans; app spans "
              + traced.stdout.stream().filter(l -> l.startsWith("APPSPAN-EXPORTED ")).count()
              + (stack == Stack.CURRENT ? " (+ " + appSpans.size() + " over its own OTLP)" : "")
              + "; app log "
              + tracedFile.size()
              + " lines as configured; conflicts 0; "
              + plain.millis
              + " ms without, "
              + traced.millis
              + " ms with the agent");
    }
  }

  static List<String> appArgs(Stack stack, Path log, OtlpReceiver appReceiver) {
    List<String> out = new ArrayList<>();
    out.add("-Dapp.log=" + log.toAbsolutePath());
    if (stack == Stack.CURRENT) {
      out.add("-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider");
      out.add("-Dapp.otlp.endpoint=" + appReceiver.endpoint());
    }
    return out;
  }

  // ---------------------------------------------------------------- the official Java agent

  @ParameterizedTest(name = "on {0}, official agent first: {1}")
  @MethodSource("jdksAndOrders")
  void officialOpenTelemetryJavaAgent(String javaHome, boolean officialFirst) throws Exception {
    Path official = DIR.resolve("opentelemetry-javaagent.jar");
    assertTrue(Files.isRegularFile(official), official + " missing: run mvn verify");
    OfficialRun alone = officialAlone(javaHome, official);
    try (OtlpReceiver ours = new OtlpReceiver();
        OtlpReceiver theirs = new OtlpReceiver()) {
      String oursArg = ChildJvm.javaagent("otel.exporter.otlp.endpoint=" + ours.endpoint());
      String theirsArg = "-javaagent:" + official.toAbsolutePath();
      List<String> jvm = new ArrayList<>();
      jvm.add(officialFirst ? theirsArg : oursArg);
      jvm.add(officialFirst ? oursArg : theirsArg);
      jvm.addAll(officialConfig(theirs));
      ChildJvm.Output both =
          ChildJvm.run(javaHome, jvm, Map.of(), appApi(), ScenarioMain.class, OFFICIAL_SCENARIOS);
      assertEquals(0, both.exitCode, both.toString());
      assertEquals(List.of(), conflicts(both), "class conflicts: " + both);
      assertEquals(alone.results, both.results(), "the application's results");
      assertEquals(alone.stderr, officialStderr(both), "stderr besides the official agent's own");

      Map<String, OtlpReceiver.Received> theirById = new HashMap<>();
      for (OtlpReceiver.Received r : theirs.spans()) {
        theirById.put(hex(r.span.getSpanId().toByteArray()), r);
      }
      Trees trees = Trees.of(ours.spans(), theirById.keySet());
      // With the application's OpenTelemetry API on its class path, the official agent's context is
      // the application's: a handshake inside one of its HTTP client spans becomes that span's
      // child, in its trace.
      Map<String, String> scenarioByPort = scenarioByPort(both.stdout);
      List<String> parented = new ArrayList<>();
      for (OtlpReceiver.Received r : ours.spans()) {
        if (isHandshakeRoot(r) && !r.span.getParentSpanId().isEmpty()) {
          OtlpReceiver.Received parent = theirById.get(hex(r.span.getParentSpanId().toByteArray()));
          assertEquals(parent.span.getTraceId(), r.span.getTraceId(), r.toString());
          parented.add(
              r.attr("handshake.role")
                  + " "
                  + scenarioByPort.get(port(r))
                  + " in "
                  + parent.span.getName());
        }
      }
      assertTrue(
          parented.contains("client HTTPS_URL_CONNECTION in GET"),
          "the HttpsURLConnection handshake inside the official agent's GET span: " + parented);
      int connections = both.results().size();
      assertEquals(connections, trees.roots("client").size(), trees.toString());
      assertEquals(connections, trees.roots("server").size(), trees.toString());
      assertTrue(trees.phases > 0);
      // The official agent's own export is what it is without this agent (and has no handshake
      // span,
      // nor a span of this agent's own export requests).
      Map<String, Integer> theirSpans = histogram(names(theirs.spans()));
      assertEquals(alone.spans, theirSpans, "the official agent's spans, alone vs with this agent");
      Reliability.reportChild(
          javaHome,
          "official Java agent "
              + (officialFirst ? "first" : "second")
              + ": "
              + connections
              + " handshakes, "
              + (trees.roots("client").size() + trees.roots("server").size())
              + " roots, "
              + trees.phases
              + " phase spans, roots in the official agent's spans "
              + parented
              + "; official agent's spans "
              + theirSpans
              + " (alone: "
              + alone.spans
              + "); "
              + both.millis
              + " ms (official agent alone "
              + alone.millis
              + " ms)");
    }
  }

  /** The application's OpenTelemetry API (no SDK): what the official agent bridges to its own. */
  static List<String> appApi() throws IOException {
    return Stack.CURRENT.jars().stream()
        .filter(j -> j.matches(".*/opentelemetry-(api|context|common)-[0-9.]+\\.jar"))
        .collect(Collectors.toList());
  }

  static List<String> officialConfig(OtlpReceiver theirs) {
    return List.of(
        "-Dotel.service.name=coexist-official",
        "-Dotel.traces.exporter=otlp",
        "-Dotel.exporter.otlp.protocol=http/protobuf",
        "-Dotel.exporter.otlp.endpoint=" + theirs.endpoint(),
        "-Dotel.metrics.exporter=none",
        "-Dotel.logs.exporter=none");
  }

  /** The official agent alone (the run without this agent): results, spans by name, stderr. */
  static final class OfficialRun {
    final List<String> results;
    final Map<String, Integer> spans;
    final List<String> stderr;
    final long millis;

    OfficialRun(ChildJvm.Output out, Map<String, Integer> spans) {
      this.results = out.results();
      this.spans = spans;
      this.stderr = officialStderr(out);
      this.millis = out.millis;
    }
  }

  static final Map<String, OfficialRun> OFFICIAL = new ConcurrentHashMap<>();

  static OfficialRun officialAlone(String javaHome, Path official) throws Exception {
    if (!OFFICIAL.containsKey(javaHome)) {
      try (OtlpReceiver theirs = new OtlpReceiver()) {
        List<String> jvm = new ArrayList<>();
        jvm.add("-javaagent:" + official.toAbsolutePath());
        jvm.addAll(officialConfig(theirs));
        ChildJvm.Output out =
            ChildJvm.run(javaHome, jvm, Map.of(), appApi(), ScenarioMain.class, OFFICIAL_SCENARIOS);
        assertEquals(0, out.exitCode, out.toString());
        assertEquals(List.of(), conflicts(out), out.toString());
        assertEquals(OFFICIAL_SCENARIOS.length, out.results().size(), out.toString());
        OFFICIAL.put(javaHome, new OfficialRun(out, histogram(names(theirs.spans()))));
      }
    }
    return OFFICIAL.get(javaHome);
  }

  /** Stderr lines without the JVM's note and the official agent's timestamps. */
  static List<String> officialStderr(ChildJvm.Output out) {
    return out.stderrLines().stream()
        .filter(l -> !l.contains(CDS_NOTE))
        .map(l -> l.replaceFirst("^\\[otel\\.javaagent [^\\]]*\\]", "[otel.javaagent]"))
        .collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- helpers

  /** The application's request span and the ports of the connections made outside it. */
  static final class AppTrace {
    String traceId;
    String requestSpan;
    final List<String> outsidePorts = new ArrayList<>();

    static AppTrace of(List<String> stdout) {
      AppTrace t = new AppTrace();
      for (String line : stdout) {
        String[] f = line.split(" ");
        if (line.startsWith("APPSPAN-CURRENT ")) {
          t.traceId = f[1];
          t.requestSpan = f[2];
        } else if (line.startsWith("RESULT " + OUTSIDE + " ")) {
          Matcher m = Pattern.compile(" port=(\\d+) ").matcher(line);
          assertTrue(m.find(), line);
          t.outsidePorts.add(m.group(1));
        }
      }
      assertTrue(t.requestSpan != null, "APPSPAN-CURRENT line: " + stdout);
      return t;
    }
  }

  /** This agent's spans as trees: every span leads up to one handshake root. */
  static final class Trees {
    final Map<String, List<OtlpReceiver.Received>> rootsByRole = new TreeMap<>();
    int phases;

    List<OtlpReceiver.Received> roots(String role) {
      return rootsByRole.getOrDefault(role, List.of());
    }

    static Trees of(List<OtlpReceiver.Received> spans, String appSpan) {
      return of(spans, appSpan == null ? Set.of() : Set.of(appSpan));
    }

    /** {@code appSpans}: the spans of the application a root may have as its parent. */
    static Trees of(List<OtlpReceiver.Received> spans, Set<String> appSpans) {
      Trees t = new Trees();
      Map<String, OtlpReceiver.Received> byId = new HashMap<>();
      for (OtlpReceiver.Received r : spans) {
        OtlpReceiver.Received before = byId.put(hex(r.span.getSpanId().toByteArray()), r);
        assertTrue(before == null, "span exported twice: " + r);
      }
      for (OtlpReceiver.Received r : spans) {
        if (isHandshakeRoot(r)) {
          String parent = hex(r.span.getParentSpanId().toByteArray());
          assertTrue(
              parent.isEmpty() || appSpans.contains(parent),
              "a handshake root's parent is the application's span or none: " + r);
          t.rootsByRole.computeIfAbsent(r.attr("handshake.role"), k -> new ArrayList<>()).add(r);
          continue;
        }
        t.phases++;
        OtlpReceiver.Received up = r;
        for (int depth = 0; !isHandshakeRoot(up); depth++) {
          up = byId.get(hex(up.span.getParentSpanId().toByteArray()));
          assertTrue(up != null && depth < 10, "span without its handshake root: " + r);
          assertEquals(up.span.getTraceId(), r.span.getTraceId(), "trace of " + r);
        }
      }
      return t;
    }

    @Override
    public String toString() {
      return rootsByRole.toString();
    }
  }

  /** The scenario of each RESULT line, by its port (the server's, or an engine run's label). */
  static Map<String, String> scenarioByPort(List<String> stdout) {
    Map<String, String> out = new HashMap<>();
    Pattern result = Pattern.compile("^RESULT (\\S+) \\d+ port=(\\d+) ");
    for (String line : stdout) {
      Matcher m = result.matcher(line);
      if (m.find()) {
        out.put(m.group(2), m.group(1));
      }
    }
    return out;
  }

  /**
   * The port a root's RESULT line shows: the server's port (an engine run's label port is the
   * client's on the server side, which has no server port).
   */
  static String port(OtlpReceiver.Received root) {
    String server = root.attr("server.port");
    return server != null ? server : root.attr("client.port");
  }

  static boolean isHandshakeRoot(OtlpReceiver.Received r) {
    return r.span.getName().startsWith("TLS client handshake")
        || r.span.getName().startsWith("TLS server handshake");
  }

  static List<String> names(List<OtlpReceiver.Received> spans) {
    return spans.stream().map(r -> r.span.getName()).sorted().collect(Collectors.toList());
  }

  static Map<String, Integer> histogram(List<String> values) {
    Map<String, Integer> out = new TreeMap<>();
    for (String v : values) {
      out.merge(v, 1, Integer::sum);
    }
    return out;
  }

  /** Lines of stdout and stderr naming a class-conflict error or an SLF4J warning. */
  static List<String> conflicts(ChildJvm.Output out) {
    List<String> found = new ArrayList<>();
    List<String> lines = new ArrayList<>(out.stdout);
    lines.addAll(out.stderrLines());
    for (String line : lines) {
      if (CONFLICT.matcher(line).find()) {
        found.add(line);
      }
    }
    return found;
  }

  /** Stdout with ports and span/trace ids replaced by labels in order of first appearance. */
  static List<String> normalize(List<String> stdout) {
    Map<String, String> ids = new LinkedHashMap<>();
    Pattern hexId = Pattern.compile("\\b([0-9a-f]{32}|[0-9a-f]{16})\\b");
    List<String> out = new ArrayList<>();
    for (String line : stdout) {
      line = line.replaceAll(" port=\\d+", " port=_");
      Matcher m = hexId.matcher(line);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String label =
            ids.computeIfAbsent(
                m.group(1), k -> (k.length() == 32 ? "trace" : "span") + (ids.size() + 1));
        m.appendReplacement(sb, label);
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
