package dev.handshakeagent.agent.testing;

import dev.handshakeagent.agent.AgentInstaller;
import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.jdk.JdkModel;
import dev.handshakeagent.agent.telemetry.DirectSpans;
import dev.handshakeagent.agent.telemetry.HandshakeExporter;
import dev.handshakeagent.agent.telemetry.KeepSampler;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
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
  private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
  private static AgentRuntime runtime;

  private InProcessAgent() {}

  public static synchronized AgentRuntime install(String agentArgs) {
    return install(agentArgs, Sampler.parentBased(Sampler.alwaysOn()));
  }

  /**
   * Installs with {@code sampler} as the configured trace sampler (the agent's keep rules wrap it,
   * as they wrap {@code OTEL_TRACES_SAMPLER}).
   */
  public static synchronized AgentRuntime install(String agentArgs, Sampler sampler) {
    return install(agentArgs, sampler, JdkModel.standard());
  }

  /**
   * Installs checking {@code model} instead of the standard JDK model (a mutated one plays a JDK
   * that changed). The first install in the JVM decides.
   */
  public static synchronized AgentRuntime install(String agentArgs, JdkModel model) {
    return install(agentArgs, Sampler.parentBased(Sampler.alwaysOn()), model);
  }

  private static AgentRuntime install(String agentArgs, Sampler sampler, JdkModel model) {
    if (runtime == null) {
      // The spans of a handshake without exceptions reach the processor directly (as with the real
      // SDK); the others through the tracer provider: both paths are under test.
      KeepSampler keep = new KeepSampler(sampler);
      SpanProcessor processor = SimpleSpanProcessor.create(EXPORTER);
      SdkTracerProvider provider =
          SdkTracerProvider.builder().setSampler(keep).addSpanProcessor(processor).build();
      DirectSpans direct = new DirectSpans(keep, processor, Resource.getDefault());
      SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(METRICS).build();
      runtime =
          AgentInstaller.install(
              agentArgs,
              ByteBuddyAgent.install(),
              () ->
                  new HandshakeExporter.Telemetry() {
                    @Override
                    public DirectSpans directSpans() {
                      return direct;
                    }

                    @Override
                    public TracerProvider tracerProvider() {
                      return provider;
                    }

                    @Override
                    public MeterProvider meterProvider() {
                      return meters;
                    }

                    @Override
                    public CompletableResultCode flush() {
                      return provider.forceFlush();
                    }

                    @Override
                    public CompletableResultCode shutdown() {
                      return provider.shutdown();
                    }
                  },
              model);
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

  /** The agent's metrics as of now (cumulative since install), after its queue drained. */
  public static Collection<MetricData> metrics() {
    spans();
    return METRICS.collectAllMetrics();
  }

  /** Drains the agent's queue, then forgets every span exported so far. */
  public static void reset() {
    spans();
    EXPORTER.reset();
  }
}
