package dev.handshakeagent.agent.extension;

import dev.handshakeagent.agent.AgentLog;
import dev.handshakeagent.agent.AgentOptions;
import dev.handshakeagent.agent.telemetry.KeepSampler;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Map;

/**
 * Extension mode, while the OpenTelemetry Java agent configures its SDK: keeps its configuration
 * (for the {@code otel.instrumentation.tls-handshake.*} options and its exporter's endpoints) and
 * puts the keep rules around its sampler, so failed and slow handshakes are exported whatever that
 * sampler says, and every other span is sampled as it would be without this extension.
 */
public final class HandshakeCustomizer implements AutoConfigurationCustomizerProvider {
  private static volatile ConfigProperties config;
  private static AgentOptions options;

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addPropertiesCustomizer(
        c -> {
          config = c;
          return Map.of();
        });
    customizer.addSamplerCustomizer(
        (sampler, c) -> options(c).enabled ? KeepSampler.forSharedSdk(sampler) : sampler);
    customizer.addSpanProcessorCustomizer(
        (processor, c) -> options(c).enabled ? new ExportPendingFirst(processor) : processor);
  }

  private static volatile Runnable beforeShutdown;

  /** Registers what runs before the host's span processors shut down (once, the first of them). */
  static void beforeShutdown(Runnable r) {
    beforeShutdown = r;
  }

  /**
   * One of the host's exporting span processors: shut down only after the handshakes still queued
   * were turned into spans, which end in it (the host's shutdown hook would otherwise race the
   * agent's, and the last handshakes of a short-lived application would be lost). Everything else
   * is the processor's own.
   */
  static final class ExportPendingFirst implements SpanProcessor {
    private final SpanProcessor delegate;

    ExportPendingFirst(SpanProcessor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      delegate.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
      return delegate.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
      delegate.onEnd(span);
    }

    @Override
    public boolean isEndRequired() {
      return delegate.isEndRequired();
    }

    @Override
    public CompletableResultCode shutdown() {
      Runnable r = beforeShutdown;
      if (r != null) {
        try {
          r.run();
        } catch (Throwable t) {
          // the host's shutdown goes on
        }
      }
      return delegate.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
      return delegate.forceFlush();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  /** The host agent's configuration, or null when it was not handed to this customizer. */
  static ConfigProperties config() {
    return config;
  }

  /**
   * The options, read once (a bad value is reported once): {@code -Dhandshake.*}, {@code
   * HANDSHAKE_*}, then the agent's {@code otel.instrumentation.tls-handshake.*}; {@code enabled}
   * falls back to {@code otel.instrumentation.common.default-enabled} as the agent's own
   * instrumentations do.
   */
  static synchronized AgentOptions options(ConfigProperties c) {
    if (options == null) {
      options =
          AgentOptions.fromEnvironment(
              key -> {
                if (c == null) {
                  return null;
                }
                String v = c.getString(key);
                if (v == null && key.equals(AgentOptions.INSTRUMENTATION_PREFIX + "enabled")) {
                  v = c.getString("otel.instrumentation.common.default-enabled");
                }
                return v;
              },
              AgentLog::warn);
    }
    return options;
  }
}
