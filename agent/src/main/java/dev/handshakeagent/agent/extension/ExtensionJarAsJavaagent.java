package dev.handshakeagent.agent.extension;

import dev.handshakeagent.agent.AgentLog;
import java.lang.instrument.Instrumentation;

/**
 * {@code Premain-Class} and {@code Agent-Class} of {@code handshake-agent-extension.jar}: given as
 * {@code -javaagent} by mistake, it says which jar to use in one line and does nothing else (the
 * JVM would otherwise refuse to start, for lack of a premain).
 */
public final class ExtensionJarAsJavaagent {
  private ExtensionJarAsJavaagent() {}

  public static void premain(String args, Instrumentation inst) {
    agentmain(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    AgentLog.warn(
        "handshake-agent-extension.jar is the extension of the OpenTelemetry Java agent"
            + " (-Dotel.javaagent.extensions=handshake-agent-extension.jar); for -javaagent use"
            + " handshake-agent.jar; nothing is instrumented");
  }
}
