package dev.handshakeagent.agent.testing;

import dev.handshakeagent.agent.AgentInstaller;
import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.telemetry.HandshakeExporter;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * The real agent installed into the test JVM (through the JDK's attach mechanism, as a dynamic
 * attach would), exporting to an in-memory exporter. Installed once per JVM; surefire forks a JVM
 * per test class.
 */
public final class InProcessAgent {
  private static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();
  private static AgentRuntime runtime;

  private InProcessAgent() {}

  public static synchronized AgentRuntime install(String agentArgs) {
    if (runtime == null) {
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(EXPORTER))
              .build();
      runtime =
          AgentInstaller.install(
              agentArgs,
              ByteBuddyAgent.install(),
              () ->
                  new HandshakeExporter.Telemetry() {
                    @Override
                    public TracerProvider tracerProvider() {
                      return provider;
                    }

                    @Override
                    public CompletableResultCode flush() {
                      return provider.forceFlush();
                    }

                    @Override
                    public CompletableResultCode shutdown() {
                      return provider.shutdown();
                    }
                  });
      if (runtime == null) {
        throw new IllegalStateException("the agent did not install; see its log line above");
      }
    }
    return runtime;
  }

  /** Everything exported so far, after the agent's queue drained. */
  public static List<SpanData> spans() {
    if (!runtime.exporter.flush(20, TimeUnit.SECONDS)) {
      throw new AssertionError("the agent's export queue did not drain in 20 s");
    }
    return EXPORTER.getFinishedSpanItems();
  }

  /** Drains the agent's queue, then forgets every span exported so far. */
  public static void reset() {
    spans();
    EXPORTER.reset();
  }
}
