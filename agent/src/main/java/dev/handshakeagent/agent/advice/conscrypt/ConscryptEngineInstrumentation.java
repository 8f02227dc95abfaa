package dev.handshakeagent.agent.advice.conscrypt;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.ProviderMethods;
import dev.handshakeagent.agent.jdk.Conscrypt;
import dev.handshakeagent.bridge.ProviderBridge;
import javax.net.ssl.SSLEngine;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Conscrypt's {@code ConscryptEngine}, which also runs every {@code SSLSocket} Conscrypt makes on
 * OpenJDK (the engine socket, its default). {@code transitionTo(STATE_HANDSHAKE_STARTED)} is the
 * start (explicit, implicit, or BoringSSL's own start callback), {@code finishHandshake()} the
 * success; {@code verifyCertificateChain} wraps the trust manager's call and {@code
 * clientCertificateRequested} is BoringSSL's callback for a certificate_request. Failures come from
 * {@link NativeSslInstrumentation}, before the engine closes itself.
 */
public final class ConscryptEngineInstrumentation implements JdkInstrumentation {

  /** The event name the listener records. */
  public static final String CERTIFICATE_REQUESTED = "certificate_requested";

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(Conscrypt.ENGINE);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = ProviderMethods.visit(builder, type, Conscrypt.TRANSITION, StateAdvice.class);
    builder = ProviderMethods.visit(builder, type, Conscrypt.FINISH, FinishAdvice.class);
    builder = ProviderMethods.visit(builder, type, Conscrypt.VERIFY_CHAIN, VerifyAdvice.class);
    builder =
        ProviderMethods.visit(
            builder, type, Conscrypt.CLIENT_CERT_REQUESTED, RequestedAdvice.class);
    builder = ProviderMethods.visit(builder, type, Conscrypt.CLOSE_INBOUND, CloseAdvice.class);
    return ProviderMethods.visit(builder, type, Conscrypt.CLOSE_OUTBOUND, CloseAdvice.class);
  }

  /** Entered twice per handshake (the engine's start and BoringSSL's): the second is ignored. */
  public static final class StateAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This SSLEngine engine, @Advice.Argument(0) int newState) {
      if (newState == Conscrypt.STATE_HANDSHAKE_STARTED && ProviderBridge.active()) {
        ProviderBridge.started(engine, Conscrypt.PROVIDER, null, engine.getUseClientMode());
      }
    }
  }

  public static final class FinishAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This SSLEngine engine) {
      if (ProviderBridge.active()) {
        ProviderBridge.finished(engine, engine.getSession());
      }
    }
  }

  public static final class VerifyAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object engine) {
      ProviderBridge.validateEnter(engine);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object engine, @Advice.Thrown Throwable thrown) {
      ProviderBridge.exit(engine, thrown);
    }
  }

  public static final class RequestedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object engine) {
      ProviderBridge.event(engine, CERTIFICATE_REQUESTED);
    }
  }

  public static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object engine) {
      ProviderBridge.closed(engine);
    }
  }
}
