package dev.handshakeagent.agent.layerfixture.advice;

import dev.handshakeagent.agent.layerfixture.bridge.FixtureBridge;
import net.bytebuddy.asm.Advice;

/** Advice as the rules want it (LayersTest): Byte Buddy, the bridge and the JDK only. */
final class RightAdvice {
  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void onEnter(@Advice.This Object context) {
    FixtureBridge.handshakeStarted(context);
  }
}
