package dev.handshakeagent.agent.layerfixture.bridge;

import io.opentelemetry.api.trace.Span;

/** Breaks the bridge rule on purpose (LayersTest): OpenTelemetry is not in the boot loader. */
final class WrongBridge {
  static void handshakeStarted(Object handshakeContext) {
    Span.current().addEvent("handshake");
  }
}
