package dev.handshakeagent.agent.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.handshakeagent.agent.telemetry.TelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TelemetrySdk#exporterPeers} from agent-option overrides, and the default service name. */
class TelemetrySdkTest {

  private static final String ENDPOINT = "otel.exporter.otlp.endpoint";
  private static final String TRACES = "otel.exporter.otlp.traces.endpoint";
  private static final String METRICS = "otel.exporter.otlp.metrics.endpoint";
  private static final String LOGS = "otel.exporter.otlp.logs.endpoint";

  /** Keys not given as overrides fall back to the JVM's settings: these tests need them unset. */
  @BeforeEach
  void endpointsNotSetInThisJvm() {
    for (String key : new String[] {ENDPOINT, TRACES, METRICS, LOGS}) {
      String env = key.toUpperCase(Locale.ROOT).replace('.', '_');
      assumeTrue(System.getProperty(key) == null, "system property " + key + " is set");
      assumeTrue(System.getenv(env) == null, "environment variable " + env + " is set");
    }
  }

  private static Set<String> peers(String... keyValues) {
    Map<String, String> overrides = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      overrides.put(keyValues[i], keyValues[i + 1]);
    }
    return TelemetrySdk.exporterPeers(overrides);
  }

  @Test
  void noEndpointGivesNoPeers() {
    assertEquals(Set.of(), peers());
  }

  @Test
  void explicitPortIsKept() {
    assertEquals(
        Set.of("collector.example:4318"), peers(ENDPOINT, "https://collector.example:4318"));
    assertEquals(
        Set.of("collector.example:4318"), peers(ENDPOINT, " http://collector.example:4318/ "));
  }

  @Test
  void ipv6LiteralAlsoInTheFormTheJdkNamesThePeer() {
    assertEquals(
        Set.of("[::1]:4318", "0:0:0:0:0:0:0:1:4318"), peers(ENDPOINT, "https://[::1]:4318"));
  }

  @Test
  void defaultPortFollowsTheScheme() {
    assertEquals(Set.of("collector.example:443"), peers(ENDPOINT, "https://collector.example"));
    assertEquals(Set.of("collector.example:443"), peers(ENDPOINT, "HTTPS://collector.example/"));
    assertEquals(
        Set.of("collector.example:80"), peers(ENDPOINT, "http://collector.example/v1/traces"));
  }

  @Test
  void signalEndpointsWinOverTheGeneralOne() {
    assertEquals(
        Set.of("traces.example:4318", "all.example:443"),
        peers(TRACES, "http://traces.example:4318/v1/traces", ENDPOINT, "https://all.example"));
    assertEquals(
        Set.of("t.example:1", "m.example:2", "l.example:3"),
        peers(
            TRACES, "http://t.example:1",
            METRICS, "http://m.example:2",
            LOGS, "http://l.example:3",
            ENDPOINT, "http://unused.example:4"));
  }

  @Test
  void sameHostForEverySignalIsOnePeer() {
    assertEquals(
        Set.of("c.example:4318"),
        peers(TRACES, "http://c.example:4318/v1/traces", ENDPOINT, "http://c.example:4318"));
  }

  @Test
  void blankAndGarbageEndpointsAreIgnored() {
    assertEquals(Set.of(), peers(ENDPOINT, "   "));
    assertEquals(Set.of(), peers(ENDPOINT, ""));
    assertEquals(Set.of(), peers(ENDPOINT, "not a uri"));
    assertEquals(Set.of(), peers(ENDPOINT, "collector.example:4318")); // no scheme: no host
    assertEquals(Set.of(), peers(ENDPOINT, "http://"));
    assertEquals(Set.of(), peers(ENDPOINT, "::::"));
    // A blank signal endpoint falls back to the general one.
    assertEquals(Set.of("all.example:80"), peers(TRACES, " ", ENDPOINT, "http://all.example"));
    // Garbage for one signal does not hide the others.
    assertEquals(
        Set.of("all.example:80"), peers(TRACES, "http://bad host", ENDPOINT, "http://all.example"));
  }

  private static String serviceNameFor(String command) {
    String saved = System.getProperty("sun.java.command");
    try {
      System.setProperty("sun.java.command", command);
      return TelemetrySdk.defaultServiceName();
    } finally {
      if (saved == null) {
        System.clearProperty("sun.java.command");
      } else {
        System.setProperty("sun.java.command", saved);
      }
    }
  }

  @Test
  void defaultServiceNameFromMainClass() {
    assertEquals("Main", serviceNameFor("com.example.Main arg1"));
    assertEquals("Main", serviceNameFor("Main"));
  }

  @Test
  void defaultServiceNameFromJar() {
    assertEquals("my-service", serviceNameFor("/opt/app/my-service.jar --x"));
    assertEquals("tool", serviceNameFor("C:\\apps\\tool.JAR"));
    assertEquals("app", serviceNameFor("app.jar"));
  }

  @Test
  void defaultServiceNameWithoutCommand() {
    assertEquals("java", serviceNameFor(""));
    assertEquals("java", serviceNameFor("   "));
  }

  @Test
  void defaultServiceNameFromModuleAndClass() {
    assertEquals("App", serviceNameFor("mymodule/com.example.App"));
    assertEquals("App", serviceNameFor("mymodule/com.example.App --flag"));
  }
}
