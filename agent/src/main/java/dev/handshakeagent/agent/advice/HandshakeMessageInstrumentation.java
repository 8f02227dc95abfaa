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
 * {@code SSLHandshake$HandshakeMessage}: its concrete {@code write(HandshakeOutStream)} writes the
 * header and calls the subclass's {@code send}, for every outbound message. That names the
 * innermost producer frame ({@code handshakeType()} tells hello_retry_request apart from
 * server_hello).
 */
public final class HandshakeMessageInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public HandshakeMessageInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.HANDSHAKE_MESSAGE);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, SunJsse.WRITE, WriteAdvice.class);
  }

  public static final class WriteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object message, @Advice.Argument(0) Object outStream) {
      HandshakeBridge.messageWritten(message, outStream);
    }
  }
}
