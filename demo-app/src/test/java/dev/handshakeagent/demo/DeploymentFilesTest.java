package dev.handshakeagent.demo;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks docker-compose.yml, the collector config and the demo's Dockerfile against each other,
 * without Docker: the files parse, the collector's pipelines only name defined components, the
 * endpoints point at services and ports that exist, and every image is pinned.
 */
class DeploymentFilesTest {
  private static final String COLLECTOR_SERVICE = "otel-collector";
  private static final String JAEGER_SERVICE = "jaeger";
  private static final String DEMO_SERVICE = "demo";

  private static Path root;
  private static Map<String, Object> compose;
  private static Map<String, Object> collector;

  @BeforeAll
  static void parse() throws IOException {
    root = Paths.get(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    compose = SimpleYaml.parseMap(read(root.resolve("docker-compose.yml")));
    collector = SimpleYaml.parseMap(read(root.resolve("otel-collector/config.yaml")));
  }

  @Test
  void bothFilesHaveTheirTopLevelSections() {
    assertAll(
        () -> assertFalse(map(compose, "services").isEmpty(), "compose services"),
        () -> assertFalse(map(collector, "receivers").isEmpty(), "collector receivers"),
        () -> assertFalse(map(collector, "exporters").isEmpty(), "collector exporters"),
        () -> assertFalse(map(map(collector, "service"), "pipelines").isEmpty(), "pipelines"));
  }

  @Test
  void pipelinesNameOnlyDefinedComponents() {
    Set<String> receivers = keys(collector, "receivers");
    Set<String> processors = keys(collector, "processors");
    Set<String> exporters = keys(collector, "exporters");
    Set<String> connectors = keys(collector, "connectors");
    Set<String> connectorsExporting = new HashSet<>();
    Set<String> connectorsReceiving = new HashSet<>();
    List<String> problems = new ArrayList<>();
    Map<String, Object> pipelines = map(map(collector, "service"), "pipelines");
    for (Map.Entry<String, Object> pipeline : pipelines.entrySet()) {
      String name = pipeline.getKey();
      Map<String, Object> p = asMap(pipeline.getValue(), "pipeline " + name);
      assertFalse(strings(p, "receivers").isEmpty(), name + " has no receivers");
      assertFalse(strings(p, "exporters").isEmpty(), name + " has no exporters");
      for (String r : strings(p, "receivers")) {
        if (connectors.contains(r)) {
          connectorsReceiving.add(r);
        } else if (!receivers.contains(r)) {
          problems.add(name + ": receiver " + r + " is not defined");
        }
      }
      for (String pr : strings(p, "processors")) {
        if (!processors.contains(pr)) {
          problems.add(name + ": processor " + pr + " is not defined");
        }
      }
      for (String e : strings(p, "exporters")) {
        if (connectors.contains(e)) {
          connectorsExporting.add(e);
        } else if (!exporters.contains(e)) {
          problems.add(name + ": exporter " + e + " is not defined");
        }
      }
    }
    // The collector refuses a connector that is not both an exporter and a receiver.
    for (String c : connectors) {
      if (!connectorsExporting.contains(c) || !connectorsReceiving.contains(c)) {
        problems.add(
            "connector " + c + " must be an exporter in one pipeline and a receiver in one");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theTracesPipelineFeedsJaegerTheLogAndSpanMetrics() {
    Map<String, Object> traces = map(map(map(collector, "service"), "pipelines"), "traces");
    assertEquals(List.of("otlp"), strings(traces, "receivers"));
    assertEquals(List.of("memory_limiter", "batch"), strings(traces, "processors"));
    assertEquals(List.of("otlp/jaeger", "debug", "spanmetrics"), strings(traces, "exporters"));
    List<String> dimensions = new ArrayList<>();
    for (Object d : list(map(map(collector, "connectors"), "spanmetrics"), "dimensions")) {
      dimensions.add(string(asMap(d, "dimension"), "name"));
    }
    assertEquals(
        List.of(
            "tls.protocol.version",
            "tls.cipher",
            "error.type",
            "handshake.failure_reason",
            "handshake.role"),
        dimensions);
  }

  /**
   * prometheus/alerts.yml parses, every rule has a name and an expression, and the README shows the
   * same rules. That the rules alerting by cause name only values of {@code
   * handshake.failure_reason} the agent emits is checked by the agent's FailureReasonTest, where
   * the set of values lives.
   */
  @Test
  void theAlertRulesAreValidAndTheReadmeShowsThem() throws IOException {
    String text = read(root.resolve("prometheus/alerts.yml"));
    Map<String, Object> alerts = SimpleYaml.parseMap(text);
    List<?> groups = list(alerts, "groups");
    assertEquals(1, groups.size());
    Set<String> names = new HashSet<>();
    for (Object rule : list(asMap(groups.get(0), "group"), "rules")) {
      Map<String, Object> r = asMap(rule, "rule");
      assertTrue(names.add(string(r, "alert")), "alert names are unique");
      assertFalse(string(r, "expr").isBlank());
    }
    String readme = read(root.resolve("README.md"));
    String rules = text.substring(text.indexOf("groups:"));
    assertTrue(readme.contains(rules), "the README's example rules are prometheus/alerts.yml's");
  }

  @Test
  void theDemoExportsToTheCollectorsOtlpHttpPort() {
    String endpoint = environment(DEMO_SERVICE).get("OTEL_EXPORTER_OTLP_ENDPOINT");
    assertNotNull(endpoint, "the demo sets OTEL_EXPORTER_OTLP_ENDPOINT");
    URI uri = URI.create(endpoint);
    assertEquals("http", uri.getScheme(), endpoint);
    assertEquals(COLLECTOR_SERVICE, uri.getHost(), "the endpoint names the collector service");
    assertTrue(services().containsKey(uri.getHost()), uri.getHost() + " is a compose service");

    String http =
        string(map(map(map(map(collector, "receivers"), "otlp"), "protocols"), "http"), "endpoint");
    assertEquals(port(http), uri.getPort(), "demo endpoint port vs the collector's " + http);
    assertEquals(4318, uri.getPort());
    assertTrue(
        listensOn(COLLECTOR_SERVICE).contains(uri.getPort()),
        "the collector service exposes " + uri.getPort());

    assertEquals("handshake-demo", environment(DEMO_SERVICE).get("OTEL_SERVICE_NAME"));
    assertEquals("true", environment(DEMO_SERVICE).get("HANDSHAKE_CONSOLE"));
  }

  @Test
  void theCollectorExportsToAPortJaegerListensOn() {
    Map<String, Object> exporter = map(map(collector, "exporters"), "otlp/jaeger");
    String endpoint = string(exporter, "endpoint");
    String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
    assertEquals(JAEGER_SERVICE, host, "the exporter names the jaeger service");
    assertTrue(services().containsKey(host), host + " is a compose service");
    assertTrue(
        listensOn(JAEGER_SERVICE).contains(port(endpoint)),
        "jaeger exposes " + port(endpoint) + ", it exposes " + listensOn(JAEGER_SERVICE));
    // Plain gRPC inside the compose network.
    assertEquals("true", string(map(exporter, "tls"), "insecure"));
  }

  @Test
  void theCollectorMountsThisConfig() {
    Map<String, Object> service = map(services(), COLLECTOR_SERVICE);
    List<String> volumes = strings(service, "volumes");
    assertTrue(
        volumes.stream()
            .anyMatch(
                v -> v.startsWith("./otel-collector/config.yaml:/etc/otelcol-contrib/config.yaml")),
        "mounts the config where the contrib image reads it: " + volumes);
  }

  @Test
  void everyImageIsPinnedToAVersion() throws IOException {
    List<String> images = new ArrayList<>();
    for (Map.Entry<String, Object> s : services().entrySet()) {
      Map<String, Object> service = asMap(s.getValue(), "service " + s.getKey());
      if (service.containsKey("image")) {
        images.add(string(service, "image"));
      } else {
        assertTrue(service.containsKey("build"), s.getKey() + " has neither image nor build");
      }
    }
    images.addAll(dockerfileBaseImages(root.resolve("demo-app/Dockerfile")));
    assertFalse(images.isEmpty());
    List<String> unpinned = new ArrayList<>();
    for (String image : images) {
      if (!isPinned(image)) {
        unpinned.add(image);
      }
    }
    assertEquals(List.of(), unpinned, "images without an explicit version tag");
  }

  @Test
  void pinnedMeansAnExplicitVersionTag() {
    assertAll(
        () -> assertTrue(isPinned("otel/opentelemetry-collector-contrib:0.143.0")),
        () -> assertTrue(isPinned("prom/prometheus:v3.5.0")),
        () -> assertTrue(isPinned("registry.example:5000/team/app:1.2")),
        () -> assertTrue(isPinned("eclipse-temurin:17.0.16_8-jre@sha256:abc")),
        () -> assertFalse(isPinned("jaegertracing/jaeger")),
        () -> assertFalse(isPinned("jaegertracing/jaeger:latest")),
        () -> assertFalse(isPinned("registry.example:5000/team/app")),
        () -> assertFalse(isPinned("maven:3-eclipse-temurin-17-latest")),
        () -> assertFalse(isPinned("debian:stable")));
  }

  @Test
  void theDemoIsBuiltFromTheRepositoryRoot() {
    Map<String, Object> build = map(map(services(), DEMO_SERVICE), "build");
    assertEquals(".", string(build, "context"));
    String dockerfile = string(build, "dockerfile");
    assertTrue(Files.isRegularFile(root.resolve(dockerfile)), dockerfile + " exists");
    assertTrue(Files.isRegularFile(root.resolve(".dockerignore")), ".dockerignore exists");
  }

  @Test
  void dockerComposeAcceptsTheFile() throws IOException, InterruptedException {
    Optional<Path> dockerCompose = onPath("docker-compose");
    // CI (.ci/run sets CI=true and installs Debian's docker-compose) must validate the file: there
    // a
    // missing tool is a failure. A developer's machine without it skips this one check.
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(
          dockerCompose.isPresent(),
          "CI=true but docker-compose is not on the PATH: `docker-compose config -q` cannot run"
              + " (.ci/run installs Debian's docker-compose package)");
    }
    assumeTrue(
        dockerCompose.isPresent(),
        "docker-compose is not on the PATH: skipping `docker-compose config -q`");
    Process p =
        new ProcessBuilder(
                dockerCompose.get().toString(), "-f", "docker-compose.yml", "config", "-q")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("docker-compose config did not finish in 60 s");
    }
    assertEquals(0, p.exitValue(), "docker-compose config -q: " + output);
  }

  // ------------------------------------------------------------------ helpers

  /**
   * A version tag: present, not {@code latest}, and starting with a digit ({@code 0.143.0}, {@code
   * 17.0.16_8-jre}, {@code 3.9.11-eclipse-temurin-17}), which excludes moving tags such as {@code
   * stable}.
   */
  static boolean isPinned(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    String lastPart = name.substring(name.lastIndexOf('/') + 1);
    int colon = lastPart.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String tag = lastPart.substring(colon + 1);
    return tag.matches("v?[0-9].*") // 1.2.3 or v3.5.0
        && !tag.equals("latest")
        && !tag.endsWith("-latest");
  }

  /** The external images of a Dockerfile's FROM lines (not earlier stages such as "build"). */
  private static List<String> dockerfileBaseImages(Path dockerfile) throws IOException {
    Pattern from =
        Pattern.compile(
            "^FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$",
            Pattern.CASE_INSENSITIVE);
    Set<String> stages = new HashSet<>();
    List<String> images = new ArrayList<>();
    for (String line : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
      Matcher m = from.matcher(line.trim());
      if (m.matches()) {
        if (!stages.contains(m.group(1))) {
          images.add(m.group(1));
        }
        if (m.group(2) != null) {
          stages.add(m.group(2));
        }
      }
    }
    return images;
  }

  /** Container ports a service listens on, from {@code expose} and {@code ports}. */
  private static Set<Integer> listensOn(String serviceName) {
    Map<String, Object> service = map(services(), serviceName);
    Set<Integer> ports = new HashSet<>();
    if (service.containsKey("expose")) {
      for (String e : strings(service, "expose")) {
        ports.add(Integer.parseInt(e.replaceAll("/.*", "")));
      }
    }
    if (service.containsKey("ports")) {
      for (String p : strings(service, "ports")) {
        // [host-ip:][host-port:]container-port[/protocol]
        String container = p.substring(p.lastIndexOf(':') + 1).replaceAll("/.*", "");
        ports.add(Integer.parseInt(container));
      }
    }
    return ports;
  }

  private static Map<String, String> environment(String serviceName) {
    Map<String, Object> env = map(map(services(), serviceName), "environment");
    Map<String, String> strings = new LinkedHashMap<>();
    env.forEach((k, v) -> strings.put(k, (String) v));
    return strings;
  }

  private static Map<String, Object> services() {
    return map(compose, "services");
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Paths.get(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static Set<String> keys(Map<String, Object> parent, String key) {
    return parent.containsKey(key) ? map(parent, key).keySet() : Set.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value, String what) {
    return (Map<String, Object>) assertInstanceOf(Map.class, value, what + " is a map");
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    return asMap(parent.get(key), key);
  }

  private static List<?> list(Map<String, Object> parent, String key) {
    return assertInstanceOf(List.class, parent.get(key), key + " is a list");
  }

  private static List<String> strings(Map<String, Object> parent, String key) {
    if (!parent.containsKey(key)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : list(parent, key)) {
      out.add(assertInstanceOf(String.class, o, key + " holds strings"));
    }
    return out;
  }

  private static String string(Map<String, Object> parent, String key) {
    return assertInstanceOf(String.class, parent.get(key), key + " is a string");
  }
}
