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
 * {@code sun.security.ssl.SSLTransport} (an interface): its static {@code decode} turns inbound
 * bytes into records for SSLSocket and SSLEngine alike, and returns the last one. Application data
 * never reaches any other hook, so this is where a TLS 1.3 client held for the server's verdict
 * learns that the server accepted it.
 */
public final class SSLTransportInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public SSLTransportInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.SSL_TRANSPORT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, SunJsse.DECODE, DecodeAdvice.class);
  }

  public static final class DecodeAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object transportContext, @Advice.Return Object plaintext) {
      HandshakeBridge.recordDecoded(transportContext, plaintext);
    }
  }
}
