package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * One ended span of a handshake, made directly from the handshake's record: the SDK's span
 * processors and exporter take it as they take their own ended spans ({@link ReadableSpan}, whose
 * {@link #toSpanData()} is the object itself). Immutable; no events, no links.
 */
final class HandshakeSpanData implements SpanData, ReadableSpan {
  private final DirectSpans pipeline;
  private final String name;
  private final SpanContext context;
  private final SpanContext parent;
  private final StatusData status;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final Attributes attributes;

  HandshakeSpanData(
      DirectSpans pipeline,
      String name,
      SpanContext context,
      SpanContext parent,
      StatusData status,
      long startEpochNanos,
      long endEpochNanos,
      Attributes attributes) {
    this.pipeline = pipeline;
    this.name = name;
    this.context = context;
    this.parent = parent;
    this.status = status;
    this.startEpochNanos = startEpochNanos;
    this.endEpochNanos = endEpochNanos;
    this.attributes = attributes;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return SpanKind.INTERNAL;
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }

  @Override
  public List<EventData> getEvents() {
    return List.of();
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return endEpochNanos - startEpochNanos;
  }

  @Override
  public int getTotalRecordedEvents() {
    return 0;
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return pipeline.libraryInfo;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return pipeline.scope;
  }

  @Override
  public Resource getResource() {
    return pipeline.resource;
  }

  @Override
  public SpanData toSpanData() {
    return this;
  }

  @Override
  public String toString() {
    return "HandshakeSpanData{name=" + name + ", context=" + context + "}";
  }
}
