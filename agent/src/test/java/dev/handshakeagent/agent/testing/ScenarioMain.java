package dev.handshakeagent.agent.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs scenarios and prints one line per connection: {@code RESULT <scenario> <index> port=<p>
 * client=<...> | server=<...>}. Used as the main class of child JVMs, with and without the agent.
 */
public final class ScenarioMain {
  private ScenarioMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println("JAVA " + System.getProperty("java.specification.version"));
    List<Scenario> scenarios = new ArrayList<>();
    if (args.length == 0) {
      scenarios.addAll(Arrays.asList(Scenario.values()));
    } else {
      for (String a : args) {
        scenarios.add(Scenario.valueOf(a));
      }
    }
    for (Scenario s : scenarios) {
      List<TlsRun.Result> results = s.run();
      for (int i = 0; i < results.size(); i++) {
        TlsRun.Result r = results.get(i);
        System.out.println("RESULT " + s + " " + i + " port=" + r.port + " " + r);
      }
    }
    System.out.println("DONE");
  }
}
