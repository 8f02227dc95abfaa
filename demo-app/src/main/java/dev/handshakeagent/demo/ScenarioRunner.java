package dev.handshakeagent.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs scenarios and prints, for each, its expectation before and its result after: {@code scenario
 * untrusted-ca expect: FAILED certificate_unknown}, then {@code scenario untrusted-ca port=40123
 * result: client=... server=... PASS}. The port matches the {@code server.port} of the spans.
 */
final class ScenarioRunner {
  private final Lab lab;
  private final PrintStream out;

  ScenarioRunner(Lab lab, PrintStream out) {
    this.lab = lab;
    this.out = out;
  }

  /** Runs every scenario once; returns whether all behaved as expected. */
  boolean runAll(List<Scenario> scenarios) {
    List<String> unexpected = new ArrayList<>();
    for (Scenario s : scenarios) {
      if (!run(s).pass()) {
        unexpected.add(s.name());
      }
      settle();
    }
    int passed = scenarios.size() - unexpected.size();
    out.println(
        "summary: "
            + passed
            + " of "
            + scenarios.size()
            + " scenarios as expected"
            + (unexpected.isEmpty() ? "" : "; not as expected: " + String.join(", ", unexpected)));
    return unexpected.isEmpty();
  }

  /**
   * A short pause between scenarios, so that output an attached agent prints a moment later (the
   * handshake agent's console waterfall comes from its own thread) stays next to its scenario.
   */
  private static void settle() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs one scenario and prints its lines. */
  Expectation.Verdict run(Scenario scenario) {
    String prefix = "scenario " + scenario.name();
    out.println(prefix + " expect: " + scenario.expectation().describe());
    Exchange exchange;
    try {
      exchange = scenario.body().run(lab);
    } catch (Exception e) {
      // A broken scenario (not a failed handshake): report it and go on with the others.
      out.println(prefix + " port=- result: ERROR " + e + " FAIL");
      return new Expectation.Verdict(false, e.toString());
    }
    Expectation.Verdict verdict = scenario.expectation().judge(exchange);
    StringBuilder line = new StringBuilder(prefix).append(" port=").append(exchange.port());
    line.append(" result:");
    List<Exchange.Connection> connections = exchange.connections();
    for (int i = 0; i < connections.size(); i++) {
      if (connections.size() > 1) {
        line.append(" #").append(i + 1);
      }
      Exchange.Connection c = connections.get(i);
      line.append(" client=").append(c.client().summary());
      line.append(" server=").append(c.server().summary());
    }
    for (String note : exchange.notes()) {
      line.append(' ').append(note);
    }
    line.append(verdict.pass() ? " PASS" : " FAIL");
    out.println(line);
    for (Exchange.Connection c : connections) {
      // What the application got, for the failures: the text to search for next to the spans.
      if (!c.client().isOk()) {
        out.println("  client: " + c.client().detail());
      }
      if (!c.server().isOk()) {
        out.println("  server: " + c.server().detail());
      }
    }
    if (!verdict.pass()) {
      out.println("  not as expected: " + verdict.why());
    }
    return verdict;
  }
}
