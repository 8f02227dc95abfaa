package dev.handshakeagent.agent.advice.bcjsse;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.jdk.ProviderRow;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code org.bouncycastle.tls.TlsClientProtocol} and {@code TlsServerProtocol}: {@code
 * connect(TlsClient)}/{@code accept(TlsServer)} name the peer object (BCJSSE's {@code
 * ProvTlsClient}/{@code ProvTlsServer}) the protocol works for, so the protocol becomes an alias of
 * the connection; {@code handleHandshakeMessage(short, HandshakeMessageInput)} processes every
 * inbound handshake message (TLS 1.3 ones included): a {@code receive} phase named by its type.
 */
public final class TlsPeerProtocolInstrumentation implements JdkInstrumentation {

  private final String className;
  private final ProviderRow start;
  private final ProviderRow handle;

  TlsPeerProtocolInstrumentation(String className, ProviderRow start, ProviderRow handle) {
    this.className = className;
    this.start = start;
    this.handle = handle;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(className);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder
        .visit(
            Advice.to(StartAdvice.class).on(named(start.name).and(hasDescriptor(start.descriptor))))
        .visit(
            Advice.to(HandleHandshakeMessageAdvice.class)
                .on(named(handle.name).and(hasDescriptor(handle.descriptor))));
  }

  public static final class StartAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object protocol, @Advice.Argument(0) Object peer) {
      ProviderBridge.alias(protocol, peer);
    }
  }

  public static final class HandleHandshakeMessageAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object protocol, @Advice.Argument(0) short type) {
      ProviderBridge.messageEnter(protocol, false, type & 0xFF);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object protocol, @Advice.Thrown Throwable thrown) {
      ProviderBridge.exit(protocol, thrown);
    }
  }
}
