package dev.handshakeagent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line end to end: exit codes and what goes to stdout and stderr. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private List<String> errLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aBadOptionPrintsOneUsageLineAndExits2() {
    assertEquals(2, run("--loop", "--bogus"));
    assertEquals(List.of(), outLines());
    assertEquals(1, errLines().size(), errLines().toString());
    String line = errLines().get(0);
    assertTrue(line.startsWith("demo-app: unknown option --bogus; usage: java -jar"), line);
  }

  @Test
  void anUnknownScenarioExits2() {
    assertEquals(2, run("--scenario", "no-such-thing"));
    assertTrue(errLines().get(0).contains("'no-such-thing'"), errLines().toString());
  }

  @Test
  void listShowsEveryScenarioWithItsExpectation() {
    assertEquals(0, run("--list", "--slow-ms", "700"));
    List<Scenario> all = Scenario.all(Duration.ofMillis(700));
    assertEquals(all.size(), outLines().size());
    for (int i = 0; i < all.size(); i++) {
      String line = outLines().get(i);
      assertTrue(line.startsWith(all.get(i).name() + " "), line);
      assertTrue(line.contains(" expect: " + all.get(i).expectation().describe() + " "), line);
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains(">= 700 ms"));
  }

  @Test
  void listCanBeNarrowedToSomeScenarios() {
    assertEquals(0, run("--list", "--scenario", "untrusted-ca,tls13-socket"));
    assertEquals(2, outLines().size());
    assertTrue(outLines().get(0).startsWith("untrusted-ca "));
  }

  @Test
  void helpPrintsUsage() {
    assertEquals(0, run("--help"));
    assertEquals(List.of(Options.USAGE), outLines());
  }

  @Test
  void runsTheChosenScenariosAndExits0WhenAllBehaveAsExpected() {
    assertEquals(0, run("--scenario", "tls13-socket,untrusted-ca"), out.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("scenario untrusted-ca expect: FAILED certificate_unknown"), text);
    assertTrue(text.contains("summary: 2 of 2 scenarios as expected"), text);
  }
}
