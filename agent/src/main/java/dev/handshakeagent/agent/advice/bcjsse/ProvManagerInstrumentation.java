package dev.handshakeagent.agent.advice.bcjsse;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.bridge.ProviderBridge;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * BCJSSE's connections ({@code ProvSSLEngine}, {@code ProvSSLSocketDirect}, {@code
 * ProvSSLSocketWrap}): {@code checkServerTrusted}/{@code checkClientTrusted} call the application's
 * trust manager (the {@code validate certificate chain} phase); {@code
 * notifyHandshakeComplete(ProvSSLConnection)} ends the handshake, after which {@code getSession()}
 * is the established session (the connection's own lock is held by this thread there).
 */
public final class ProvManagerInstrumentation implements JdkInstrumentation {

  private final String className;

  ProvManagerInstrumentation(String className) {
    this.className = className;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(className);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder
        .visit(
            Advice.to(TrustAdvice.class)
                .on(
                    named(BcjsseHooks.CHECK_SERVER_TRUSTED)
                        .or(named(BcjsseHooks.CHECK_CLIENT_TRUSTED))
                        .and(hasDescriptor(BcjsseHooks.CHECK_TRUSTED_DESCRIPTOR))))
        .visit(
            Advice.to(CompleteAdvice.class)
                .on(
                    named(BcjsseHooks.NOTIFY_HANDSHAKE_COMPLETE)
                        .and(hasDescriptor(BcjsseHooks.NOTIFY_HANDSHAKE_COMPLETE_DESCRIPTOR))));
  }

  public static final class TrustAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object connection) {
      ProviderBridge.validateEnter(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
      ProviderBridge.exit(connection, thrown);
    }
  }

  public static final class CompleteAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object connection) {
      if (ProviderBridge.active()) {
        ProviderBridge.finished(
            connection,
            connection instanceof SSLEngine
                ? ((SSLEngine) connection).getSession()
                : ((SSLSocket) connection).getSession());
      }
    }
  }
}
