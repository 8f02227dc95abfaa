package dev.handshakeagent.agent.layerfixture.advice;

import dev.handshakeagent.agent.layerfixture.bridge.FixtureBridge;
import dev.handshakeagent.agent.layerfixture.tracking.WrongTracking;
import io.opentelemetry.api.trace.Span;

/** Breaks the advice rule on purpose (LayersTest): advice calling tracking and OpenTelemetry. */
final class WrongAdvice {
  static void onEnter(Object handshakeContext) {
    FixtureBridge.handshakeStarted(handshakeContext);
    WrongTracking.record(handshakeContext);
    Span.current().addEvent("handshake");
  }
}
