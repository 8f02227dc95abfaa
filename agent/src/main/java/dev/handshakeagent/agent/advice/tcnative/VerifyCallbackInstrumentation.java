package dev.handshakeagent.agent.advice.tcnative;

import static net.bytebuddy.matcher.ElementMatchers.none;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.ProviderMethods;
import dev.handshakeagent.agent.jdk.ProviderRow;
import dev.handshakeagent.agent.jdk.Tcnative;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The OpenSSL contexts' trust-manager callbacks ({@code ReferenceCountedOpenSsl{Client,Server}
 * Context$[Extended]TrustManagerVerifyCallback}): BoringSSL calls back into Java for the peer's
 * chain, and {@code verify(engine, chain, authType)} is exactly the trust manager's call, the
 * {@code validate certificate chain} span. It throws what the trust manager threw.
 */
public final class VerifyCallbackInstrumentation implements JdkInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> types() {
    ElementMatcher.Junction<TypeDescription> any = none();
    for (String name : Tcnative.VERIFY_CALLBACKS) {
      any = any.or(ProviderHooks.relocatable(name));
    }
    return any;
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    for (ProviderRow row : Tcnative.VERIFY_ROWS) {
      builder = ProviderMethods.visit(builder, type, row, VerifyAdvice.class);
    }
    return builder;
  }

  public static final class VerifyAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object engine) {
      ProviderBridge.validateEnter(engine);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object engine, @Advice.Thrown Throwable thrown) {
      ProviderBridge.exit(engine, thrown);
    }
  }
}
