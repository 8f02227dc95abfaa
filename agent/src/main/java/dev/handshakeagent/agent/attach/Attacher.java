package dev.handshakeagent.agent.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.handshakeagent.agent.AgentInstaller;
import dev.handshakeagent.agent.HandshakeAgent;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

/**
 * Talks to target JVMs through the JDK's attach API. Loaded only when {@code jdk.attach} exists.
 */
final class Attacher {
  /** The agent's bytecode level: it cannot run in an older target. */
  static final int MIN_JAVA = 11;

  private final PrintStream out;
  private final PrintStream err;

  Attacher(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int list() {
    long self = ProcessHandle.current().pid();
    out.printf("%-8s %-8s %-26s %s%n", "PID", "JAVA", "HANDSHAKE-AGENT", "MAIN");
    for (VirtualMachineDescriptor d : VirtualMachine.list()) {
      if (d.id().equals(String.valueOf(self))) {
        continue;
      }
      String java = "?";
      String agent = "?";
      try {
        VirtualMachine vm = VirtualMachine.attach(d);
        try {
          Properties p = vm.getSystemProperties();
          java = p.getProperty("java.specification.version", "?");
          agent = p.getProperty(AgentInstaller.STATUS_PROPERTY, "no");
        } finally {
          vm.detach();
        }
      } catch (AttachNotSupportedException | IOException e) {
        agent = "(cannot attach)";
      }
      String main = d.displayName().isEmpty() ? "-" : d.displayName().split(" ")[0];
      out.printf("%-8s %-8s %-26s %s%n", d.id(), java, agent, main);
    }
    return 0;
  }

  int attach(long pid, String options) {
    return inTarget(
        pid,
        "could not load the agent into pid",
        (jar, vm) -> {
          Properties p = vm.getSystemProperties();
          int java = majorVersion(p.getProperty("java.specification.version"));
          if (java < MIN_JAVA) {
            err.println(
                "handshake-agent: pid "
                    + pid
                    + " runs Java "
                    + p.getProperty("java.specification.version")
                    + "; the agent needs Java "
                    + MIN_JAVA
                    + " or newer");
            return 1;
          }
          String status = p.getProperty(AgentInstaller.STATUS_PROPERTY, "");
          if (status.startsWith("attached")) {
            out.println(
                "handshake-agent is already attached to pid "
                    + pid
                    + " ("
                    + status
                    + "); nothing done");
            return 0;
          }
          vm.loadAgent(jar, options.isEmpty() ? null : options);
          status = vm.getSystemProperties().getProperty(AgentInstaller.STATUS_PROPERTY, "");
          if (!status.startsWith("attached")) {
            err.println(
                "handshake-agent: loaded into pid "
                    + pid
                    + " but it did not start; its reason is"
                    + " on that JVM's stderr");
            return 1;
          }
          out.println(
              "attached handshake-agent "
                  + AgentInstaller.version()
                  + " to pid "
                  + pid
                  + " (Java "
                  + java
                  + ")");
          return 0;
        });
  }

  int detach(long pid) {
    return inTarget(
        pid,
        "could not detach from pid",
        (jar, vm) -> {
          String status = vm.getSystemProperties().getProperty(AgentInstaller.STATUS_PROPERTY, "");
          if (!status.startsWith("attached")) {
            out.println("handshake-agent is not attached to pid " + pid + "; nothing done");
            return 0;
          }
          vm.loadAgent(jar, AgentInstaller.DETACH);
          status = vm.getSystemProperties().getProperty(AgentInstaller.STATUS_PROPERTY, "");
          if (!status.equals("detached")) {
            err.println(
                "handshake-agent: detach from pid "
                    + pid
                    + " did not complete (status "
                    + status
                    + "); see that JVM's stderr");
            return 1;
          }
          out.println(
              "detached handshake-agent from pid "
                  + pid
                  + ": instrumentation removed, pending spans flushed");
          return 0;
        });
  }

  /** What attach and detach do once connected to the target, with the agent's jar at hand. */
  private interface InTarget {
    int run(String jar, VirtualMachine vm)
        throws AgentLoadException, AgentInitializationException, IOException;
  }

  /**
   * Finds the agent's jar and connects to {@code pid} (or prints why not and returns 1), runs
   * {@code action}, says {@code failure} when loading the agent fails, and always lets the target
   * go.
   */
  private int inTarget(long pid, String failure, InTarget action) {
    String jar = agentJar();
    if (jar == null) {
      return 1;
    }
    VirtualMachine vm = connect(pid);
    if (vm == null) {
      return 1;
    }
    try {
      return action.run(jar, vm);
    } catch (AgentLoadException | AgentInitializationException | IOException e) {
      err.println("handshake-agent: " + failure + " " + pid + ": " + e);
      return 1;
    } finally {
      detachQuietly(vm);
    }
  }

  /** Attaches, or prints the one-line reason why not and returns null. */
  private VirtualMachine connect(long pid) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      err.println("handshake-agent: no process with pid " + pid);
      return null;
    }
    ProcessHandle.Info info = process.get().info();
    String user = info.user().orElse(null);
    String me = System.getProperty("user.name");
    if (user != null && !user.equals(me)) {
      err.println(
          "handshake-agent: pid "
              + pid
              + " runs as user "
              + user
              + ", not "
              + me
              + "; the JDK only attaches to JVMs of the same user: run this as "
              + user);
      return null;
    }
    try {
      return VirtualMachine.attach(String.valueOf(pid));
    } catch (AttachNotSupportedException | IOException e) {
      String[] args = info.arguments().orElse(new String[0]);
      String command = info.command().orElse("");
      if (Arrays.asList(args).contains("-XX:+DisableAttachMechanism")) {
        err.println(
            "handshake-agent: pid "
                + pid
                + " runs with -XX:+DisableAttachMechanism; attach is"
                + " disabled there: restart it with -javaagent instead");
      } else if (!new File(command).getName().startsWith("java")) {
        err.println(
            "handshake-agent: pid " + pid + " is not a Java virtual machine (" + command + ")");
      } else {
        err.println("handshake-agent: could not attach to pid " + pid + ": " + e.getMessage());
      }
      return null;
    }
  }

  private String agentJar() {
    try {
      File f =
          new File(
              HandshakeAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (f.isFile()) {
        return f.getAbsolutePath();
      }
      err.println("handshake-agent: run the command from handshake-agent.jar (found " + f + ")");
    } catch (URISyntaxException | RuntimeException e) {
      err.println("handshake-agent: cannot find its own jar: " + e);
    }
    return null;
  }

  /** 1.8 -> 8, 17 -> 17; 0 when unknown. */
  static int majorVersion(String specificationVersion) {
    if (specificationVersion == null) {
      return 0;
    }
    String v =
        specificationVersion.startsWith("1.")
            ? specificationVersion.substring(2)
            : specificationVersion;
    try {
      return Integer.parseInt(v.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void detachQuietly(VirtualMachine vm) {
    try {
      vm.detach();
    } catch (IOException ignored) {
      // the target went away; nothing to undo
    }
  }
}
