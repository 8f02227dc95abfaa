package dev.handshakeagent.agent.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link KeepSampler}: in an SDK of its own the keep rules decide for every span; in a shared SDK
 * (extension mode) only for the spans started on the agent's thread, every other span gets the
 * configured sampler's decision.
 */
class KeepSamplerTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final Context SAMPLED_PARENT =
      Context.root()
          .with(
              Span.wrap(
                  SpanContext.create(
                      TRACE,
                      "b7ad6b7169203331",
                      TraceFlags.getSampled(),
                      TraceState.getDefault())));
  private static final Attributes FAILED =
      Attributes.of(HandshakeSemconv.KEPT_BECAUSE, HandshakeSemconv.KEPT_ERROR);

  private static SamplingDecision decide(Sampler s, Context parent, Attributes attributes) {
    return s.shouldSample(parent, TRACE, "span", SpanKind.INTERNAL, attributes, List.of())
        .getDecision();
  }

  private static SamplingDecision onAgentThread(Sampler s, Context parent, Attributes attributes)
      throws InterruptedException {
    AtomicReference<SamplingDecision> d = new AtomicReference<>();
    Thread t =
        new Thread(() -> d.set(decide(s, parent, attributes)), HandshakeExporter.THREAD_NAME);
    t.start();
    t.join();
    return d.get();
  }

  @Test
  void ownSdkKeepsFailedAndPhasesWhateverTheSampler() {
    Sampler keep = new KeepSampler(Sampler.alwaysOff());
    assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(keep, Context.root(), FAILED));
    assertEquals(
        SamplingDecision.RECORD_AND_SAMPLE, decide(keep, SAMPLED_PARENT, Attributes.empty()));
    assertEquals(SamplingDecision.DROP, decide(keep, Context.root(), Attributes.empty()));
  }

  @Test
  void sharedSdkAppliesTheKeepRulesOnTheAgentsThreadOnly() throws InterruptedException {
    Sampler keep = KeepSampler.forSharedSdk(Sampler.alwaysOff());
    // The application's spans (here: the test's thread) get the configured sampler's decision,
    // even a child of a sampled span or one carrying the attribute.
    assertEquals(SamplingDecision.DROP, decide(keep, SAMPLED_PARENT, Attributes.empty()));
    assertEquals(SamplingDecision.DROP, decide(keep, Context.root(), FAILED));
    // The handshake spans, built on the agent's thread.
    assertEquals(SamplingDecision.RECORD_AND_SAMPLE, onAgentThread(keep, Context.root(), FAILED));
    assertEquals(
        SamplingDecision.RECORD_AND_SAMPLE,
        onAgentThread(keep, SAMPLED_PARENT, Attributes.empty()));
    assertEquals(SamplingDecision.DROP, onAgentThread(keep, Context.root(), Attributes.empty()));
  }
}
