package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The parts of the SDK's trace pipeline a handshake's spans are handed to directly, without
 * building them through the tracer: the configured sampler (with the keep rules), the span
 * processors (the batch processor in front of the configured exporter, and the export report's
 * counter), the resource and the agent's instrumentation scope. Made by {@link TelemetrySdk} from
 * the same autoconfigured SDK whose tracer provider builds the spans that are not made directly.
 */
public final class DirectSpans {
  final Sampler sampler;
  final SpanProcessor processor;
  final Resource resource;
  final IdGenerator ids = IdGenerator.random();
  volatile InstrumentationScopeInfo scope;
  volatile InstrumentationLibraryInfo libraryInfo;

  /**
   * @param sampler the tracer provider's sampler (the keep rules around the configured one)
   * @param processor every span processor of the tracer provider, as one
   * @param resource the tracer provider's resource
   */
  public DirectSpans(Sampler sampler, SpanProcessor processor, Resource resource) {
    this.sampler = sampler;
    this.processor = processor;
    this.resource = resource;
    scope(HandshakeSemconv.SCOPE, null);
  }

  /** The instrumentation scope the spans are reported under (the tracer's name and version). */
  @SuppressWarnings("deprecation") // SpanData still declares the library info
  void scope(String name, String version) {
    InstrumentationScopeInfo s =
        version == null
            ? InstrumentationScopeInfo.create(name)
            : InstrumentationScopeInfo.builder(name).setVersion(version).build();
    scope = s;
    libraryInfo = InstrumentationLibraryInfo.create(name, version);
  }
}
