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
 * {@code sun.security.ssl.HandshakeOutStream}: {@code complete()} runs at the end of every {@code
 * HandshakeMessage.write}, while the stream (a {@code ByteArrayOutputStream}) still holds the
 * message's bytes; it hands them to the output record and empties itself. The only point where the
 * client's own client_hello exists as bytes, in the JDK's extension order (for its fingerprint).
 */
public final class HandshakeOutStreamInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public HandshakeOutStreamInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.HANDSHAKE_OUT_STREAM);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, SunJsse.OUT_STREAM_COMPLETE, CompleteAdvice.class);
  }

  public static final class CompleteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object outStream) {
      HandshakeBridge.messageComplete(outStream);
    }
  }
}
