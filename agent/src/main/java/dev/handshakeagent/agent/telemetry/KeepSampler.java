package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The keep rules: a failed or slow handshake is always exported, whatever the configured sampler
 * (root spans carry {@code handshake.kept_because=error|slow} for that, decided when the handshake
 * ended); every other root goes to the configured sampler; phase spans follow their root.
 */
public final class KeepSampler implements Sampler {
  private final Sampler configured;

  /**
   * The SDK is shared with other instrumentation: only spans made on the agent's thread are ours.
   */
  private final boolean shared;

  public KeepSampler(Sampler configured) {
    this(configured, false);
  }

  private KeepSampler(Sampler configured, boolean shared) {
    this.configured = configured;
    this.shared = shared;
  }

  /**
   * The keep rules inside an SDK the agent shares (the OpenTelemetry Java agent's, in extension
   * mode): the handshake spans are all started on the agent's own thread ({@link
   * HandshakeExporter#THREAD_NAME}), every other span goes to {@code configured} untouched.
   */
  public static KeepSampler forSharedSdk(Sampler configured) {
    return new KeepSampler(configured, true);
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    if (shared && !HandshakeExporter.THREAD_NAME.equals(Thread.currentThread().getName())) {
      return configured.shouldSample(
          parentContext, traceId, name, spanKind, attributes, parentLinks);
    }
    String kept = attributes.get(HandshakeSemconv.KEPT_BECAUSE);
    if (HandshakeSemconv.KEPT_ERROR.equals(kept) || HandshakeSemconv.KEPT_SLOW.equals(kept)) {
      return SamplingResult.recordAndSample();
    }
    if (kept == null) {
      // A phase span: exported exactly when its root is.
      SpanContext parent = Span.fromContext(parentContext).getSpanContext();
      if (parent.isValid()) {
        return parent.isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
      }
    }
    return configured.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "HandshakeKeepRules{failed and slow always, otherwise "
        + configured.getDescription()
        + "}";
  }
}
