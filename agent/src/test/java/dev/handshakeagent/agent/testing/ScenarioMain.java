package dev.handshakeagent.agent.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs scenarios and prints one line per connection: {@code RESULT <scenario> <index> port=<p>
 * client=<...> | server=<...>}. Used as the main class of child JVMs, with and without the agent.
 * With {@code --app-span} first, the scenarios run inside a span of the application's own
 * OpenTelemetry SDK (which must then be on the class path).
 */
public final class ScenarioMain {
  private ScenarioMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println("JAVA " + System.getProperty("java.specification.version"));
    List<String> names = new ArrayList<>(Arrays.asList(args));
    boolean appSpan = !names.isEmpty() && names.get(0).equals("--app-span");
    if (appSpan) {
      names.remove(0);
    }
    List<Scenario> scenarios = new ArrayList<>();
    if (names.isEmpty()) {
      scenarios.addAll(Arrays.asList(Scenario.values()));
    } else {
      for (String a : names) {
        scenarios.add(Scenario.valueOf(a));
      }
    }
    if (appSpan) {
      AppSpan.run(scenarios);
    } else {
      runAll(scenarios);
    }
    System.out.println("DONE");
  }

  static void runAll(List<Scenario> scenarios) throws Exception {
    for (Scenario s : scenarios) {
      List<TlsRun.Result> results = s.run();
      for (int i = 0; i < results.size(); i++) {
        TlsRun.Result r = results.get(i);
        System.out.println("RESULT " + s + " " + i + " port=" + r.port + " " + r);
      }
    }
  }
}
