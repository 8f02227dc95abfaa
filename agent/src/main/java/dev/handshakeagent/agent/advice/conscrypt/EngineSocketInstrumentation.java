package dev.handshakeagent.agent.advice.conscrypt;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.ProviderMethods;
import dev.handshakeagent.agent.jdk.Conscrypt;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ConscryptEngineSocket}, the {@code SSLSocket} Conscrypt makes on OpenJDK: each runs its
 * handshakes on an engine of its own, made in the constructor. Naming the socket as the engine's
 * alias makes those handshakes the socket's ({@code handshake.api=SSLSocket}, its addresses).
 */
public final class EngineSocketInstrumentation implements JdkInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(Conscrypt.ENGINE_SOCKET);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return ProviderMethods.visitConstructors(
        builder, type, Conscrypt.SOCKET_ENGINE, ConstructorAdvice.class);
  }

  public static final class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object socket, @Advice.FieldValue(Conscrypt.ENGINE_FIELD) Object engine) {
      ProviderBridge.alias(engine, socket);
    }
  }
}
