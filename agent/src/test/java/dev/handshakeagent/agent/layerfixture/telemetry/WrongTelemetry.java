package dev.handshakeagent.agent.layerfixture.telemetry;

import net.bytebuddy.description.type.TypeDescription;

/** Breaks the telemetry rule on purpose (LayersTest): Byte Buddy in telemetry. */
final class WrongTelemetry {
  static String name(Object handshakeContext) {
    return TypeDescription.ForLoadedType.of(handshakeContext.getClass()).getName();
  }
}
