package dev.handshakeagent.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The parsed command line. Options take their value as the next argument or after {@code =}. */
final class Options {
  static final String USAGE =
      "usage: java -jar demo-app.jar [--list] [--scenario NAME[,NAME...]]... [--loop]"
          + " [--pause-ms N] [--slow-ms N] [--help]";

  static final Duration DEFAULT_PAUSE = Duration.ofMillis(2000);
  static final Duration DEFAULT_SLOW = Duration.ofMillis(1500);

  /** A bad command line; the message names the option. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  final boolean list;
  final boolean loop;
  final boolean help;

  /** The scenarios asked for, in order, without repeats; empty means all. */
  final List<String> scenarios;

  final Duration pause;
  final Duration slow;

  private Options(
      boolean list,
      boolean loop,
      boolean help,
      List<String> scenarios,
      Duration pause,
      Duration slow) {
    this.list = list;
    this.loop = loop;
    this.help = help;
    this.scenarios = scenarios;
    this.pause = pause;
    this.slow = slow;
  }

  /** Parses {@code args}; scenario names must be in {@code known}. */
  static Options parse(List<String> args, Set<String> known) throws UsageException {
    boolean list = false;
    boolean loop = false;
    boolean help = false;
    Set<String> scenarios = new LinkedHashSet<>();
    Duration pause = DEFAULT_PAUSE;
    Duration slow = DEFAULT_SLOW;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--list":
        case "--loop":
        case "--help":
        case "-h":
          if (value != null) {
            throw new UsageException("option " + name + " takes no value");
          }
          list |= name.equals("--list");
          loop |= name.equals("--loop");
          help |= name.equals("--help") || name.equals("-h");
          break;
        case "--scenario":
        case "--pause-ms":
        case "--slow-ms":
          if (value == null) {
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
              throw new UsageException("option " + name + " needs a value");
            }
            value = args.get(++i);
          }
          if (name.equals("--scenario")) {
            scenarios.addAll(scenarioNames(value, known));
          } else if (name.equals("--pause-ms")) {
            pause = millis(name, value);
          } else {
            slow = millis(name, value);
          }
          break;
        default:
          throw new UsageException(
              arg.startsWith("-")
                  ? "unknown option " + name
                  : "unexpected argument '" + arg + "' (scenarios go after --scenario)");
      }
    }
    return new Options(list, loop, help, List.copyOf(scenarios), pause, slow);
  }

  private static List<String> scenarioNames(String value, Set<String> known) throws UsageException {
    List<String> names = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty()) {
        throw new UsageException("option --scenario has an empty name in '" + value + "'");
      }
      if (!known.contains(name)) {
        throw new UsageException(
            "option --scenario: unknown scenario '" + name + "' (--list shows them)");
      }
      names.add(name);
    }
    return names;
  }

  private static Duration millis(String option, String value) throws UsageException {
    try {
      long ms = Long.parseLong(value.trim());
      if (ms >= 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "option " + option + " needs a number of milliseconds >= 0, not '" + value + "'");
  }
}
