package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code sun.security.ssl.PostHandshakeContext}: overrides {@code dispatch(byte, ByteBuffer)}
 * without calling the super method, so TLS 1.3 new_session_ticket and key_update are only seen
 * here.
 */
public final class PostHandshakeContextInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public PostHandshakeContextInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.POST_HANDSHAKE_CONTEXT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(
        builder,
        enabled,
        SunJsse.POST_CONSUME,
        HandshakeContextInstrumentation.ConsumeAdvice.class);
  }
}
