package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every SunJSSE handshake-message producer: the non-extension implementors of {@code
 * HandshakeProducer} and {@code SSLProducer} (37 classes on JDK 17 and 25). There is no single
 * produce choke point (key-exchange, kickstart, ticket and change_cipher_spec producers are called
 * directly), so each producer's {@code produce} is a frame, named later by the message it writes.
 */
public final class HandshakeProducerInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public HandshakeProducerInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return nameStartsWith(SunJsse.PACKAGE + ".")
        .and(not(nameContains("Extension")))
        .and(not(isInterface()))
        .and(hasSuperType(named(SunJsse.HANDSHAKE_PRODUCER).or(named(SunJsse.SSL_PRODUCER))));
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = Hooks.visit(builder, enabled, SunJsse.PRODUCE, ProduceAdvice.class);
    return Hooks.visit(builder, enabled, SunJsse.KICKSTART, ProduceAdvice.class);
  }

  public static final class ProduceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.Argument(0) Object handshakeContext, @Advice.Origin("#t") String producer) {
      HandshakeBridge.produceEnter(handshakeContext, producer);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object handshakeContext, @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(handshakeContext, null, thrown);
    }
  }
}
