package dev.handshakeagent.agent.advice.bcjsse;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code org.bouncycastle.tls.TlsProtocol}: {@code writeHandshakeMessage(byte[], int, int)} gets
 * every outbound handshake message, header included (its first byte is the wire type), of both
 * sides: a {@code send} phase named by that type. The protocol object stands for the connection
 * through the aliases set by {@link TlsPeerProtocolInstrumentation}.
 */
public final class TlsProtocolInstrumentation implements JdkInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(BcjsseHooks.TLS_PROTOCOL);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(
        Advice.to(WriteHandshakeMessageAdvice.class)
            .on(
                named(BcjsseHooks.WRITE_HANDSHAKE_MESSAGE.name)
                    .and(hasDescriptor(BcjsseHooks.WRITE_HANDSHAKE_MESSAGE.descriptor))));
  }

  public static final class WriteHandshakeMessageAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object protocol,
        @Advice.Argument(0) byte[] message,
        @Advice.Argument(1) int offset) {
      ProviderBridge.messageEnter(protocol, true, message[offset] & 0xFF);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object protocol, @Advice.Thrown Throwable thrown) {
      ProviderBridge.exit(protocol, thrown);
    }
  }
}
