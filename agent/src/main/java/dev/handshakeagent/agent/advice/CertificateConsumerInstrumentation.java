package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code CertificateMessage$T12CertificateConsumer} and {@code $T13CertificateConsumer}: their
 * static {@code checkServerCerts}/{@code checkClientCerts} wrap exactly one trust-manager call,
 * which is the {@code validate certificate chain} span (OCSP/CRL fetches included).
 */
public final class CertificateConsumerInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public CertificateConsumerInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.T12_CERT_CONSUMER).or(named(SunJsse.T13_CERT_CONSUMER));
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    if (type.getName().equals(SunJsse.T12_CERT_CONSUMER)) {
      builder = Hooks.visit(builder, enabled, SunJsse.T12_SERVER_CERTS, TrustAdvice.class);
      return Hooks.visit(builder, enabled, SunJsse.T12_CLIENT_CERTS, TrustAdvice.class);
    }
    builder = Hooks.visit(builder, enabled, SunJsse.T13_SERVER_CERTS, TrustAdvice.class);
    return Hooks.visit(builder, enabled, SunJsse.T13_CLIENT_CERTS, TrustAdvice.class);
  }

  /**
   * Both versions: TLS 1.2's methods return nothing and take the chain as second argument (the
   * dynamically typed return is then null); TLS 1.3's return the chain and take the raw certificate
   * entries as second argument, passed instead when validation throws so the rejected chain can
   * still be reported.
   */
  public static final class TrustAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object handshakeContext) {
      HandshakeBridge.trustCheckEnter(handshakeContext);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) Object handshakeContext,
        @Advice.Argument(1) Object chainOrEntries,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object chain,
        @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(handshakeContext, chain != null ? chain : chainOrEntries, thrown);
    }
  }
}
