package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.bridge.HandshakeBridge;
import java.nio.ByteBuffer;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code sun.security.ssl.HandshakeContext}: one instance per handshake, so its constructor is the
 * single start point of every client and server handshake, and {@code dispatch(byte, ByteBuffer)}
 * is the single point where every inbound handshake message is consumed.
 */
public final class HandshakeContextInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public HandshakeContextInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.HANDSHAKE_CONTEXT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = Hooks.visit(builder, enabled, SunJsse.START, StartAdvice.class);
    builder = Hooks.visit(builder, enabled, SunJsse.POST_START, PostHandshakeStartAdvice.class);
    return Hooks.visit(builder, enabled, SunJsse.CONSUME, ConsumeAdvice.class);
  }

  public static final class StartAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object handshakeContext) {
      HandshakeBridge.handshakeStarted(handshakeContext);
    }
  }

  public static final class PostHandshakeStartAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object postHandshakeContext) {
      HandshakeBridge.postHandshakeStarted(postHandshakeContext);
    }
  }

  /** Also used for {@code PostHandshakeContext}, which overrides the method. */
  public static final class ConsumeAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object handshakeContext,
        @Advice.Argument(0) byte type,
        @Advice.Argument(1) ByteBuffer message) {
      HandshakeBridge.consumeEnter(handshakeContext, type, message);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object handshakeContext, @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(handshakeContext, null, thrown);
    }
  }
}
