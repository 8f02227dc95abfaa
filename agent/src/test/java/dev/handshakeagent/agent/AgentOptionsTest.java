package dev.handshakeagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link AgentOptions#parse}: defaults, precedence of the three sources, warnings, durations. */
class AgentOptionsTest {

  private final Map<String, String> props = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  private AgentOptions parse(String agentArgs) {
    return AgentOptions.parse(agentArgs, props::get, env::get, warnings::add);
  }

  private String onlyWarning() {
    assertEquals(1, warnings.size(), "exactly one warning expected, got " + warnings);
    String w = warnings.get(0);
    assertFalse(w.contains("\n"), "the warning must be one line: " + w);
    return w;
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), "expected '" + part + "' in: " + text);
  }

  @Test
  void defaultsWhenNothingIsGiven() {
    for (String args : new String[] {null, "", "   "}) {
      AgentOptions o = parse(args);
      assertTrue(o.enabled, "enabled for args " + args);
      assertTrue(o.phases, "phases for args " + args);
      assertEquals(60_000, o.abandonTimeoutMillis);
      assertEquals(AgentOptions.DEFAULT_ABANDON_TIMEOUT_MILLIS, o.abandonTimeoutMillis);
      assertEquals(2_000, o.rejectionWaitMillis);
      assertTrue(o.otelProperties.isEmpty());
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void agentArgumentWinsOverSystemPropertyAndEnvironment() {
    props.put("handshake.phases", "true");
    env.put("HANDSHAKE_PHASES", "true");
    props.put("handshake.abandon.timeout", "2s");
    env.put("HANDSHAKE_ABANDON_TIMEOUT", "5s");
    props.put("handshake.enabled", "true");
    env.put("HANDSHAKE_ENABLED", "true");
    AgentOptions o = parse("phases=false,abandon.timeout=500ms,enabled=false");
    assertFalse(o.phases);
    assertFalse(o.enabled);
    assertEquals(500, o.abandonTimeoutMillis);
    assertEquals(List.of(), warnings);
  }

  @Test
  void systemPropertyWinsOverEnvironment() {
    props.put("handshake.phases", "false");
    env.put("HANDSHAKE_PHASES", "true");
    props.put("handshake.abandon.timeout", "2s");
    env.put("HANDSHAKE_ABANDON_TIMEOUT", "5s");
    props.put("handshake.enabled", " FALSE ");
    env.put("HANDSHAKE_ENABLED", "true");
    AgentOptions o = parse(null);
    assertFalse(o.phases);
    assertFalse(o.enabled);
    assertEquals(2_000, o.abandonTimeoutMillis);
    assertEquals(List.of(), warnings);
  }

  @Test
  void environmentIsUsedWithDotsAsUnderscores() {
    env.put("HANDSHAKE_PHASES", "false");
    env.put("HANDSHAKE_ENABLED", "False");
    env.put("HANDSHAKE_ABANDON_TIMEOUT", "5s");
    AgentOptions o = parse(null);
    assertFalse(o.phases);
    assertFalse(o.enabled);
    assertEquals(5_000, o.abandonTimeoutMillis);
    assertEquals(List.of(), warnings);
  }

  @Test
  void environmentNameKeepingTheDotIsNotRead() {
    env.put("HANDSHAKE_ABANDON.TIMEOUT", "5s");
    env.put("handshake_phases", "false");
    AgentOptions o = parse(null);
    assertEquals(60_000, o.abandonTimeoutMillis);
    assertTrue(o.phases);
    assertEquals(List.of(), warnings);
  }

  @Test
  void otelArgumentsAreCollected() {
    AgentOptions o =
        parse(
            "otel.service.name=checkout, otel.exporter.otlp.endpoint=http://collector:4318 ,"
                + "phases=false,otel.resource.attributes=team=payments");
    Map<String, String> expected = new HashMap<>();
    expected.put("otel.service.name", "checkout");
    expected.put("otel.exporter.otlp.endpoint", "http://collector:4318");
    expected.put("otel.resource.attributes", "team=payments");
    assertEquals(expected, o.otelProperties);
    assertFalse(o.phases);
    assertEquals(List.of(), warnings);
    assertThrows(UnsupportedOperationException.class, () -> o.otelProperties.put("otel.x", "y"));
  }

  @Test
  void otelSystemPropertiesAreNotCollected() {
    props.put("otel.service.name", "from-property");
    AgentOptions o = parse("phases=true");
    assertTrue(o.otelProperties.isEmpty());
  }

  @Test
  void badBooleanInAgentArgumentWarnsOnceAndUsesDefault() {
    props.put("handshake.phases", "false"); // not consulted: the agent argument was found
    AgentOptions o = parse("phases=maybe");
    assertTrue(o.phases);
    String w = onlyWarning();
    assertContains(w, "'maybe'");
    assertContains(w, "agent option phases");
    assertContains(w, "true, false");
  }

  @Test
  void badBooleanInSystemPropertyNamesTheProperty() {
    props.put("handshake.enabled", "yes");
    AgentOptions o = parse(null);
    assertTrue(o.enabled);
    String w = onlyWarning();
    assertContains(w, "'yes'");
    assertContains(w, "system property handshake.enabled");
    assertContains(w, "true, false");
  }

  @Test
  void badBooleanInEnvironmentNamesTheVariable() {
    env.put("HANDSHAKE_PHASES", "0");
    AgentOptions o = parse(null);
    assertTrue(o.phases);
    String w = onlyWarning();
    assertContains(w, "'0'");
    assertContains(w, "environment variable HANDSHAKE_PHASES");
    assertContains(w, "true, false");
  }

  @Test
  void badDurationInAgentArgumentWarnsOnceAndUsesDefault() {
    AgentOptions o = parse("abandon.timeout=soon");
    assertEquals(60_000, o.abandonTimeoutMillis);
    String w = onlyWarning();
    assertContains(w, "'soon'");
    assertContains(w, "agent option abandon.timeout");
    assertContains(w, "500ms, 30s, 2m");
    assertContains(w, "60s");
  }

  @Test
  void rejectionWaitFromEachSourceAndOneLineOnABadValue() {
    assertEquals(300, parse("rejection.wait=300ms").rejectionWaitMillis);
    props.put("handshake.rejection.wait", "5s");
    assertEquals(5_000, parse(null).rejectionWaitMillis);
    props.clear();
    env.put("HANDSHAKE_REJECTION_WAIT", "750");
    assertEquals(750, parse(null).rejectionWaitMillis);
    env.clear();
    assertEquals(List.of(), warnings);
    AgentOptions o = parse("rejection.wait=later");
    assertEquals(2_000, o.rejectionWaitMillis);
    String w = onlyWarning();
    assertContains(w, "'later'");
    assertContains(w, "agent option rejection.wait");
    assertContains(w, "500ms, 30s, 2m");
    assertContains(w, "using the default 2s");
  }

  @Test
  void zeroDurationInEnvironmentWarnsOnceAndUsesDefault() {
    env.put("HANDSHAKE_ABANDON_TIMEOUT", "0");
    AgentOptions o = parse(null);
    assertEquals(60_000, o.abandonTimeoutMillis);
    String w = onlyWarning();
    assertContains(w, "environment variable HANDSHAKE_ABANDON_TIMEOUT");
    assertContains(w, "500ms, 30s, 2m");
  }

  @Test
  void negativeDurationInSystemPropertyWarnsOnceAndUsesDefault() {
    props.put("handshake.abandon.timeout", "-5s");
    AgentOptions o = parse(null);
    assertEquals(60_000, o.abandonTimeoutMillis);
    String w = onlyWarning();
    assertContains(w, "system property handshake.abandon.timeout");
    assertContains(w, "'-5s'");
  }

  @Test
  void unknownKeyWarnsOnceAndIsIgnored() {
    AgentOptions o = parse("colour=blue,phases=false");
    assertFalse(o.phases);
    assertTrue(o.otelProperties.isEmpty());
    String w = onlyWarning();
    assertContains(w, "'colour'");
    assertContains(
        w,
        "enabled, phases, abandon.timeout, slow.threshold, rejection.wait, offered, console,"
            + " otel.*");
  }

  @Test
  void commasAfterAnOtelKeyContinueItsListValue() {
    AgentOptions o = parse("otel.resource.attributes=team=payments,tier=gold,phases=false");
    assertEquals("team=payments,tier=gold", o.otelProperties.get("otel.resource.attributes"));
    assertFalse(o.phases);
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void pairWithoutEqualsWarnsOnceAndIsIgnored() {
    AgentOptions o = parse("phases,abandon.timeout=30s");
    assertTrue(o.phases);
    assertEquals(30_000, o.abandonTimeoutMillis);
    String w = onlyWarning();
    assertContains(w, "'phases'");
    assertContains(w, "key=value");
  }

  @Test
  void emptyKeyIsNotKeyValue() {
    parse("=false");
    assertContains(onlyWarning(), "key=value");
  }

  @Test
  void oneWarningPerBadPairAndBlankPairsAreSkipped() {
    AgentOptions o = parse("colour=blue,, verbose ,  ,enabled=false");
    assertFalse(o.enabled);
    assertEquals(2, warnings.size(), warnings.toString());
    assertContains(warnings.get(0), "'colour'");
    assertContains(warnings.get(1), "'verbose'");
  }

  @Test
  void parseDurationMillis() {
    assertEquals(500, AgentOptions.parseDurationMillis("500ms"));
    assertEquals(30_000, AgentOptions.parseDurationMillis("30s"));
    assertEquals(120_000, AgentOptions.parseDurationMillis("2m"));
    assertEquals(1_500, AgentOptions.parseDurationMillis("1500"));
    assertEquals(30_000, AgentOptions.parseDurationMillis(" 30S "));
    assertEquals(-1, AgentOptions.parseDurationMillis("0"));
    assertEquals(-1, AgentOptions.parseDurationMillis("-5s"));
    assertEquals(-1, AgentOptions.parseDurationMillis("abc"));
    assertEquals(-1, AgentOptions.parseDurationMillis(""));
    assertEquals(-1, AgentOptions.parseDurationMillis("ms"));
    assertEquals(-1, AgentOptions.parseDurationMillis("1.5s"));
    assertEquals(-1, AgentOptions.parseDurationMillis(Long.MAX_VALUE + "m"));
  }

  @Test
  void officialAgentSettingsComeAfterSystemPropertiesAndEnvironment() {
    Map<String, String> otel = new HashMap<>();
    otel.put("otel.instrumentation.tls-handshake.phases", "false");
    otel.put("otel.instrumentation.tls-handshake.slow.threshold", "30s");
    otel.put("otel.instrumentation.tls-handshake.offered", "false");
    otel.put("otel.instrumentation.tls-handshake.abandon.timeout", "often");
    props.put("handshake.offered", "true");
    env.put("HANDSHAKE_SLOW_THRESHOLD", "5s");
    AgentOptions o = AgentOptions.parse(null, props::get, env::get, otel::get, warnings::add);
    assertFalse(o.phases, "from otel.instrumentation.tls-handshake.phases");
    assertEquals(5_000, o.slowThresholdMillis, "HANDSHAKE_SLOW_THRESHOLD wins");
    assertTrue(o.offered, "-Dhandshake.offered wins");
    assertEquals(AgentOptions.DEFAULT_ABANDON_TIMEOUT_MILLIS, o.abandonTimeoutMillis);
    assertContains(onlyWarning(), "'often' for otel.instrumentation.tls-handshake.abandon.timeout");
  }
}
