package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.List;
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

  static final Hook T12_SERVER =
      Hook.of(
          Jsse.T12_CERT_CONSUMER,
          "checkServerCerts",
          "(Lsun/security/ssl/ClientHandshakeContext;[Ljava/security/cert/X509Certificate;)V",
          Hook.Feature.TRUST,
          "TLS 1.2 client validates the server chain");
  static final Hook T12_CLIENT =
      Hook.of(
          Jsse.T12_CERT_CONSUMER,
          "checkClientCerts",
          "(Lsun/security/ssl/ServerHandshakeContext;[Ljava/security/cert/X509Certificate;)V",
          Hook.Feature.TRUST,
          "TLS 1.2 server validates the client chain");
  static final Hook T13_SERVER =
      Hook.of(
          Jsse.T13_CERT_CONSUMER,
          "checkServerCerts",
          "(Lsun/security/ssl/ClientHandshakeContext;Ljava/util/List;)"
              + "[Ljava/security/cert/X509Certificate;",
          Hook.Feature.TRUST,
          "TLS 1.3 client validates the server chain");
  static final Hook T13_CLIENT =
      Hook.of(
          Jsse.T13_CERT_CONSUMER,
          "checkClientCerts",
          "(Lsun/security/ssl/ServerHandshakeContext;Ljava/util/List;)"
              + "[Ljava/security/cert/X509Certificate;",
          Hook.Feature.TRUST,
          "TLS 1.3 server validates the client chain");

  private final Set<Hook.Feature> enabled;

  public CertificateConsumerInstrumentation(Set<Hook.Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(Jsse.T12_CERT_CONSUMER).or(named(Jsse.T13_CERT_CONSUMER));
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    if (type.getName().equals(Jsse.T12_CERT_CONSUMER)) {
      builder = Hooks.visit(builder, enabled, T12_SERVER, T12TrustAdvice.class);
      return Hooks.visit(builder, enabled, T12_CLIENT, T12TrustAdvice.class);
    }
    builder = Hooks.visit(builder, enabled, T13_SERVER, T13TrustAdvice.class);
    return Hooks.visit(builder, enabled, T13_CLIENT, T13TrustAdvice.class);
  }

  @Override
  public List<Hook> hooks() {
    return List.of(T12_SERVER, T12_CLIENT, T13_SERVER, T13_CLIENT);
  }

  /** TLS 1.2: the chain is the second argument. */
  public static final class T12TrustAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object handshakeContext) {
      HandshakeBridge.trustCheckEnter(handshakeContext);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) Object handshakeContext,
        @Advice.Argument(1) Object chain,
        @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(handshakeContext, chain, thrown);
    }
  }

  /**
   * TLS 1.3: the chain is the return value; when validation throws, the raw certificate entries
   * (second argument) are passed instead so the rejected chain can still be reported.
   */
  public static final class T13TrustAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object handshakeContext) {
      HandshakeBridge.trustCheckEnter(handshakeContext);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) Object handshakeContext,
        @Advice.Argument(1) Object entries,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object chain,
        @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(handshakeContext, chain != null ? chain : entries, thrown);
    }
  }
}
