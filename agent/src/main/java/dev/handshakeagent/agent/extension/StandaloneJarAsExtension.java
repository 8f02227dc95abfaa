package dev.handshakeagent.agent.extension;

import dev.handshakeagent.agent.AgentLog;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * In {@code handshake-agent.jar} only: given to the OpenTelemetry Java agent as an extension by
 * mistake, the standalone jar (whose OpenTelemetry is relocated, so it cannot use that agent's SDK)
 * says which jar to use in one line, instead of nothing. An instrumentation module with no type to
 * instrument: its only use of that agent's API, kept unrelocated in the standalone jar, is this
 * class and its constructor's parameters, which are JDK types.
 */
public final class StandaloneJarAsExtension extends InstrumentationModule {
  public StandaloneJarAsExtension() {
    super("tls-handshake-standalone-jar");
    AgentLog.warn(
        "handshake-agent.jar is the -javaagent jar; as an extension of the OpenTelemetry Java"
            + " agent (otel.javaagent.extensions) use handshake-agent-extension.jar, built next to"
            + " it; handshakes are not traced");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of();
  }
}
