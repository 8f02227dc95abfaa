package dev.handshakeagent.agent.layerfixture.tracking;

import io.opentelemetry.api.trace.Span;
import net.bytebuddy.description.type.TypeDescription;

/** Breaks the tracking rule on purpose (LayersTest): OpenTelemetry and Byte Buddy in tracking. */
public final class WrongTracking {
  public static void record(Object handshakeContext) {
    Span.current()
        .setAttribute("handshake.type", TypeDescription.ForLoadedType.of(Object.class).getName());
  }
}
