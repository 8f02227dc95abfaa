package dev.handshakeagent.agent.layerfixture.telemetry;

import io.opentelemetry.api.trace.Span;

/** Telemetry as the rules want it (LayersTest): OpenTelemetry, reading what tracking recorded. */
final class RightTelemetry {
  static void export(Span root, long startNanos) {
    root.setAttribute("handshake.start", startNanos);
  }
}
