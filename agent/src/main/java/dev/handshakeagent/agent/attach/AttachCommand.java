package dev.handshakeagent.agent.attach;

import dev.handshakeagent.agent.AgentOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@code java -jar handshake-agent.jar}: {@code list}, {@code attach <pid>
 * [key=value ...]}, {@code detach <pid>}. Every error is one line on stderr with a non-zero exit
 * code: 2 for a bad command line, 1 for a target that cannot be attached to, 3 for a Java runtime
 * without the attach API.
 */
public final class AttachCommand {
  static final String USAGE =
      "usage: java -jar handshake-agent.jar list | attach <pid> [key=value ...] | detach <pid>";

  private AttachCommand() {}

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      out.println(USAGE);
      out.println(
          "  key=value: the agent's options (enabled, phases, abandon.timeout, slow.threshold,"
              + " offered, console) and OpenTelemetry SDK properties"
              + " (otel.exporter.otlp.endpoint=http://collector:4318)");
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    switch (command) {
      case "list":
        if (!rest.isEmpty()) {
          return usage(err, "'list' takes no arguments");
        }
        break;
      case "attach":
      case "detach":
        if (rest.isEmpty()) {
          return usage(err, "'" + command + "' needs a pid");
        }
        if (!rest.get(0).matches("[0-9]+")) {
          return usage(err, "'" + rest.get(0) + "' is not a pid");
        }
        if (command.equals("detach") && rest.size() > 1) {
          return usage(err, "'detach' takes only a pid");
        }
        String bad = checkOptions(rest.subList(1, rest.size()));
        if (bad != null) {
          return usage(err, bad);
        }
        break;
      default:
        return usage(err, "unknown command '" + command + "'");
    }
    if (!ModuleLayer.boot().findModule("jdk.attach").isPresent()) {
      err.println(
          "handshake-agent: this Java runtime ("
              + System.getProperty("java.home")
              + ") has no jdk.attach module; run the command with the java of a JDK");
      return 3;
    }
    // Loaded only now: it needs jdk.attach.
    Attacher attacher = new Attacher(out, err);
    if (command.equals("list")) {
      return attacher.list();
    }
    long pid = Long.parseLong(rest.get(0));
    return command.equals("attach")
        ? attacher.attach(pid, String.join(",", rest.subList(1, rest.size())))
        : attacher.detach(pid);
  }

  /** The first problem with the key=value pairs, or null; the agent parses them the same way. */
  static String checkOptions(List<String> pairs) {
    List<String> problems = new ArrayList<>();
    for (String p : pairs) {
      if (p.indexOf('=') <= 0) {
        return "'" + p + "' is not key=value";
      }
    }
    AgentOptions.parse(String.join(",", pairs), k -> null, k -> null, problems::add);
    return problems.isEmpty() ? null : problems.get(0).replaceFirst("; using the default .*$", "");
  }

  private static int usage(PrintStream err, String problem) {
    err.println("handshake-agent: " + problem + "; " + USAGE);
    return 2;
  }
}
