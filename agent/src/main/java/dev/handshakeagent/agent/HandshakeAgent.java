package dev.handshakeagent.agent;

import java.lang.instrument.Instrumentation;

/**
 * Entry points of {@code handshake-agent.jar}: {@code -javaagent} ({@link #premain}) and dynamic
 * attach ({@link #agentmain}). Neither ever throws into the JVM.
 */
public final class HandshakeAgent {
  private HandshakeAgent() {}

  public static void premain(String args, Instrumentation inst) {
    AgentInstaller.install(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    AgentInstaller.install(args, inst);
  }

  /** {@code java -jar handshake-agent.jar}: usage. */
  public static void main(String[] args) {
    System.err.println(
        "handshake-agent: attach it at JVM start with\n"
            + "  java -javaagent:handshake-agent.jar[=key=value,...] -jar your-app.jar\n"
            + "Options and OpenTelemetry settings: see the README.");
    System.exit(args.length == 0 ? 0 : 2);
  }
}
