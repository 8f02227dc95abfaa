package dev.handshakeagent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario once, in this JVM and without the agent: each must behave as its expectation says.
 * Surefire runs this on JDK 17 and on JDK 25.
 */
class ScenariosTest {
  /** Short, to keep the build fast; still long enough to tell a slow handshake from others. */
  private static final Duration SLOW = Duration.ofMillis(300);

  private static Lab lab;

  @BeforeAll
  static void makeCertificates() throws Exception {
    lab = new Lab(DemoPki.generate(), SLOW);
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  static Stream<String> names() {
    return Scenario.all(SLOW).stream().map(Scenario::name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void behavesAsExpected(String name) {
    Scenario scenario =
        Scenario.all(SLOW).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Expectation.Verdict verdict =
        new ScenarioRunner(lab, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(scenario);
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertTrue(verdict.pass(), output);
    List<String> lines = output.lines().toList();
    assertEquals(
        "scenario " + name + " expect: " + scenario.expectation().describe(), lines.get(0));
    assertTrue(
        Pattern.matches("scenario " + name + " port=\\d+ result: .* PASS", lines.get(1)),
        lines.get(1));
  }

  @Test
  void namesAreUniqueKebabCase() {
    Set<String> seen = new HashSet<>();
    for (Scenario s : Scenario.all(SLOW)) {
      assertTrue(s.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), s.name());
      assertTrue(seen.add(s.name()), "duplicate " + s.name());
    }
  }

  @Test
  void resumptionSaysWhetherTheSessionWasResumed() {
    Scenario resumption =
        Scenario.all(SLOW).stream()
            .filter(s -> s.name().equals("session-resumption"))
            .findFirst()
            .orElseThrow();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ScenarioRunner(lab, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(resumption);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(" resumed="), bytes.toString());
  }

  @Test
  void aScenarioThatMissesItsExpectationIsReportedAndFailsTheRound() {
    Scenario wrongAlert =
        new Scenario(
            "wrong-alert",
            "a failure with another alert than expected",
            Expectation.failed("certificate_unknown"),
            unused ->
                Exchange.of(
                    1234,
                    Outcome.failed(
                        new SSLHandshakeException("Received fatal alert: handshake_failure"),
                        Outcome.Stage.HANDSHAKE,
                        null),
                    Outcome.failed(
                        new SSLHandshakeException("no cipher suites in common"),
                        Outcome.Stage.HANDSHAKE,
                        null)));
    Scenario broken =
        new Scenario(
            "broken",
            "a scenario that throws",
            Expectation.ok("TLSv1.3"),
            unused -> {
              throw new IllegalStateException("boom");
            });
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean allPassed =
        new ScenarioRunner(lab, new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .runAll(List.of(wrongAlert, broken));
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertFalse(allPassed);
    assertTrue(output.contains("scenario wrong-alert port=1234 result: "), output);
    assertTrue(output.contains(" FAIL\n"), output);
    assertTrue(output.contains("scenario broken port=- result: ERROR"), output);
    assertTrue(
        output.contains(
            "summary: 0 of 2 scenarios as expected; not as expected: wrong-alert, broken"),
        output);
  }
}
