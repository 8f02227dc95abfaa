package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.bridge.HandshakeBridge;
import java.nio.ByteBuffer;
import java.util.List;
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

  static final Hook START =
      Hook.of(
          Jsse.HANDSHAKE_CONTEXT,
          "<init>",
          "(Lsun/security/ssl/SSLContextImpl;" + Jsse.L_TRANSPORT_CONTEXT + ")V",
          Hook.Feature.CORE,
          "handshake start (client and server)");
  static final Hook POST_START =
      Hook.of(
          Jsse.HANDSHAKE_CONTEXT,
          "<init>",
          "(" + Jsse.L_TRANSPORT_CONTEXT + ")V",
          Hook.Feature.PHASES,
          "post-handshake context (TLS 1.3 new_session_ticket, key_update)");
  static final Hook CONSUME =
      Hook.of(
          Jsse.HANDSHAKE_CONTEXT,
          "dispatch",
          "(BLjava/nio/ByteBuffer;)V",
          Hook.Feature.PHASES,
          "every inbound handshake message consumed");

  private final Set<Hook.Feature> enabled;

  public HandshakeContextInstrumentation(Set<Hook.Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(Jsse.HANDSHAKE_CONTEXT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = Hooks.visit(builder, enabled, START, StartAdvice.class);
    builder = Hooks.visit(builder, enabled, POST_START, PostHandshakeStartAdvice.class);
    return Hooks.visit(builder, enabled, CONSUME, ConsumeAdvice.class);
  }

  @Override
  public List<Hook> hooks() {
    return List.of(START, POST_START, CONSUME);
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
