package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ChangeCipherSpec$T10ChangeCipherSpecConsumer}: TLS 1.2 change_cipher_spec is its own
 * record type with its own consumer, called with the {@code TransportContext} (not a handshake
 * context).
 */
public final class ChangeCipherSpecInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public ChangeCipherSpecInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.CCS_CONSUMER);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, SunJsse.CCS_CONSUME, ConsumeAdvice.class);
  }

  public static final class ConsumeAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object transportContext) {
      HandshakeBridge.changeCipherSpecEnter(transportContext);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object transportContext, @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(transportContext, null, thrown);
    }
  }
}
