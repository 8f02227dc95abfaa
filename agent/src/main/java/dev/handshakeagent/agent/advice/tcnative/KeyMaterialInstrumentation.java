package dev.handshakeagent.agent.advice.tcnative;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.ProviderMethods;
import dev.handshakeagent.agent.jdk.Tcnative;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code OpenSslKeyMaterialManager.setKeyMaterialClientSide(engine, keyTypes, issuers)}: the
 * client's certificate callback, which BoringSSL calls when the server sent a certificate_request.
 * Only a client context built with a key manager has the callback, so a client without one reports
 * no request.
 */
public final class KeyMaterialInstrumentation implements JdkInstrumentation {

  /** The event name the listener records. */
  public static final String CERTIFICATE_REQUESTED = "certificate_requested";

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(Tcnative.KEY_MATERIAL_MANAGER);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return ProviderMethods.visit(
        builder, type, Tcnative.KEY_MATERIAL_CLIENT, RequestedAdvice.class);
  }

  public static final class RequestedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object engine) {
      ProviderBridge.event(engine, CERTIFICATE_REQUESTED);
    }
  }
}
