package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.CertPath;
import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Revocation checking inside certificate validation ({@code java.base},
 * sun.security.provider.certpath): the {@code check revocation} span per certificate, and one
 * {@code fetch OCSP response} / {@code fetch CRL} child per network fetch. These classes know
 * nothing of TLS; the tracker puts their frames under the {@code validate certificate chain} frame
 * open on the same thread, and ignores them when none is (an application's own CertPathValidator).
 */
public final class RevocationInstrumentation implements JdkInstrumentation {
  private final Set<Feature> enabled;

  public RevocationInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(CertPath.REVOCATION_CHECKER)
        .or(named(CertPath.OCSP))
        .or(named(CertPath.URI_CERT_STORE));
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    switch (type.getName()) {
      case CertPath.REVOCATION_CHECKER:
        return Hooks.visit(builder, enabled, CertPath.CHECK, CheckAdvice.class);
      case CertPath.OCSP:
        return Hooks.visit(builder, enabled, CertPath.OCSP_FETCH, OcspFetchAdvice.class);
      default:
        return Hooks.visit(builder, enabled, CertPath.CRL_FETCH, CrlFetchAdvice.class);
    }
  }

  /** The certificate being checked is the frame's key (one call per certificate of the path). */
  public static final class CheckAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object certificate) {
      HandshakeBridge.revocationCheckEnter(certificate);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object certificate, @Advice.Thrown Throwable thrown) {
      HandshakeBridge.frameExit(certificate, null, thrown);
    }
  }

  /** Static method: the responder URI argument is both the frame's key and its URL. */
  public static final class OcspFetchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(1) Object uri) {
      HandshakeBridge.revocationFetchEnter(uri, uri, true);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(1) Object uri, @Advice.Thrown Throwable thrown) {
      HandshakeBridge.revocationFetchExit(uri, true, thrown);
    }
  }

  /**
   * The store answers from its cache for 30 s after a fetch; it stamps {@code lastChecked} only
   * when it goes to the network, so a changed stamp tells a fetch from a cache hit.
   */
  public static final class CrlFetchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @Advice.This Object store,
        @Advice.FieldValue(CertPath.URI_FIELD) Object uri,
        @Advice.FieldValue(CertPath.LAST_CHECKED_FIELD) long lastChecked) {
      HandshakeBridge.revocationFetchEnter(store, uri, false);
      return lastChecked;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object store,
        @Advice.Enter long checkedBefore,
        @Advice.FieldValue(CertPath.LAST_CHECKED_FIELD) long lastChecked,
        @Advice.Thrown Throwable thrown) {
      HandshakeBridge.revocationFetchExit(store, lastChecked != checkedBefore, thrown);
    }
  }
}
