package dev.handshakeagent.agent;

import dev.handshakeagent.agent.attach.AttachCommand;
import java.lang.instrument.Instrumentation;

/**
 * Entry points of {@code handshake-agent.jar}: {@code -javaagent} ({@link #premain}) and dynamic
 * attach ({@link #agentmain}). Neither ever throws into the JVM.
 */
public final class HandshakeAgent {
  private HandshakeAgent() {}

  /** Reads the options only; the install waits for the first TLS class (see InstallGate). */
  public static void premain(String args, Instrumentation inst) {
    AgentInstaller.arm(args, inst);
  }

  /** Dynamic attach; the argument {@code detach} removes the agent instead. */
  public static void agentmain(String args, Instrumentation inst) {
    if (AgentInstaller.DETACH.equals(args)) {
      AgentInstaller.detach(inst);
    } else {
      AgentInstaller.install(args, inst);
    }
  }

  /** {@code java -jar handshake-agent.jar list | attach <pid> [key=value ...] | detach <pid>}. */
  public static void main(String[] args) {
    System.exit(AttachCommand.run(args, System.out, System.err));
  }
}
