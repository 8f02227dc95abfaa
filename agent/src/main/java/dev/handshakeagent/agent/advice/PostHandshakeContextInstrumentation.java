package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.List;
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

  static final Hook CONSUME =
      Hook.of(
          Jsse.POST_HANDSHAKE_CONTEXT,
          "dispatch",
          "(BLjava/nio/ByteBuffer;)V",
          Hook.Feature.PHASES,
          "post-handshake messages consumed (new_session_ticket, key_update)");

  private final Set<Hook.Feature> enabled;

  public PostHandshakeContextInstrumentation(Set<Hook.Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(Jsse.POST_HANDSHAKE_CONTEXT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(
        builder, enabled, CONSUME, HandshakeContextInstrumentation.ConsumeAdvice.class);
  }

  @Override
  public List<Hook> hooks() {
    return List.of(CONSUME);
  }
}
