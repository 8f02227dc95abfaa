package dev.handshakeagent.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo application: starts its own TLS servers and clients on the loopback address and runs
 * named handshake scenarios, successes and failures, once or in a loop. It exits 0 when every
 * scenario behaved as expected (an expected failure counts as expected), 1 otherwise, 2 for a bad
 * command line. Attach the handshake agent with {@code -javaagent} to see the spans.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(Arrays.asList(args), catalog(Options.DEFAULT_SLOW).keySet());
    } catch (Options.UsageException e) {
      err.println("demo-app: " + e.getMessage() + "; " + Options.USAGE);
      return 2;
    }
    if (options.help) {
      out.println(Options.USAGE);
      return 0;
    }
    // Built again: the slow scenario's expectation depends on --slow-ms.
    Map<String, Scenario> catalog = catalog(options.slow);
    List<Scenario> selected = new ArrayList<>();
    if (options.scenarios.isEmpty()) {
      selected.addAll(catalog.values());
    } else {
      options.scenarios.forEach(name -> selected.add(catalog.get(name)));
    }
    if (options.list) {
      for (Scenario s : selected) {
        out.printf("%-20s expect: %-28s %s%n", s.name(), s.expectation().describe(), s.summary());
      }
      return 0;
    }

    out.println(
        "handshake demo on Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vendor")
            + "): "
            + selected.size()
            + " scenarios"
            + (options.loop ? ", in a loop" : ""));
    DemoPki pki;
    long start = System.nanoTime();
    try {
      pki = DemoPki.generate();
    } catch (IOException | GeneralSecurityException e) {
      err.println("demo-app: could not make the demo certificates: " + e.getMessage());
      return 1;
    }
    out.println("certificates ready in " + SocketTls.since(start).toMillis() + " ms");

    try (Lab lab = new Lab(pki, options.slow)) {
      ScenarioRunner runner = new ScenarioRunner(lab, out);
      if (!options.loop) {
        return runner.runAll(selected) ? 0 : 1;
      }
      return loop(runner, selected, options.pause, out);
    }
  }

  /** Never ends with a failure: failures are printed and the next round starts. */
  private static int loop(
      ScenarioRunner runner, List<Scenario> scenarios, Duration pause, PrintStream out) {
    for (long round = 1; ; round++) {
      out.println("round " + round);
      runner.runAll(scenarios);
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
    }
  }

  private static Map<String, Scenario> catalog(Duration slow) {
    Map<String, Scenario> byName = new LinkedHashMap<>();
    for (Scenario s : Scenario.all(slow)) {
      byName.put(s.name(), s);
    }
    return byName;
  }
}
