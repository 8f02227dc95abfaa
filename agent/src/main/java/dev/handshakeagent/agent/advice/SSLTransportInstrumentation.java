package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.List;
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

  static final Hook DECODE =
      Hook.of(
          Jsse.SSL_TRANSPORT,
          "decode",
          "(Lsun/security/ssl/TransportContext;[Ljava/nio/ByteBuffer;II[Ljava/nio/ByteBuffer;II)"
              + "Lsun/security/ssl/Plaintext;",
          Hook.Feature.CLOSE,
          "records read: the server's first application data ends a held client's wait");

  private final Set<Hook.Feature> enabled;

  public SSLTransportInstrumentation(Set<Hook.Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(Jsse.SSL_TRANSPORT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, DECODE, DecodeAdvice.class);
  }

  @Override
  public List<Hook> hooks() {
    return List.of(DECODE);
  }

  public static final class DecodeAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object transportContext, @Advice.Return Object plaintext) {
      HandshakeBridge.recordDecoded(transportContext, plaintext);
    }
  }
}
