package dev.handshakeagent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
  private static final Set<String> KNOWN = Set.of("tls13-socket", "untrusted-ca", "slow-handshake");

  private static Options parse(String... args) throws Options.UsageException {
    return Options.parse(Arrays.asList(args), KNOWN);
  }

  private static String error(String... args) {
    return assertThrows(Options.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void defaultsRunEveryScenarioOnce() throws Exception {
    Options o = parse();
    assertFalse(o.list);
    assertFalse(o.loop);
    assertFalse(o.help);
    assertEquals(List.of(), o.scenarios);
    assertEquals(Duration.ofMillis(2000), o.pause);
    assertEquals(Duration.ofMillis(1500), o.slow);
  }

  @Test
  void flags() throws Exception {
    Options o = parse("--loop", "--list");
    assertTrue(o.loop);
    assertTrue(o.list);
    assertTrue(parse("--help").help);
    assertTrue(parse("-h").help);
  }

  @Test
  void scenariosAreRepeatableCommaSeparatedAndKeepTheirOrder() throws Exception {
    Options o =
        parse(
            "--scenario",
            "untrusted-ca,tls13-socket",
            "--scenario=slow-handshake",
            "--scenario",
            "tls13-socket");
    assertEquals(List.of("untrusted-ca", "tls13-socket", "slow-handshake"), o.scenarios);
  }

  @Test
  void millisecondOptions() throws Exception {
    Options o = parse("--pause-ms", "250", "--slow-ms=40");
    assertEquals(Duration.ofMillis(250), o.pause);
    assertEquals(Duration.ofMillis(40), o.slow);
    assertEquals(Duration.ZERO, parse("--pause-ms=0").pause);
  }

  @Test
  void badArgumentsNameTheOption() {
    assertEquals("unknown option --bogus", error("--bogus"));
    assertEquals("unknown option --bogus", error("--bogus=1"));
    assertEquals("unknown option -x", error("-x"));
    assertEquals("option --scenario needs a value", error("--scenario"));
    assertEquals("option --pause-ms needs a value", error("--pause-ms", "--loop"));
    assertEquals(
        "option --scenario: unknown scenario 'nope' (--list shows them)",
        error("--scenario", "tls13-socket,nope"));
    assertEquals(
        "option --scenario has an empty name in 'tls13-socket,'",
        error("--scenario=tls13-socket,"));
    assertEquals(
        "option --slow-ms needs a number of milliseconds >= 0, not 'soon'",
        error("--slow-ms", "soon"));
    assertEquals(
        "option --pause-ms needs a number of milliseconds >= 0, not '-5'",
        error("--pause-ms", "-5"));
    assertEquals("option --loop takes no value", error("--loop=yes"));
    assertTrue(error("tls13-socket").startsWith("unexpected argument 'tls13-socket'"));
  }
}
