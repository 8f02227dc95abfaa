package dev.handshakeagent.agent.advice.conscrypt;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.ProviderMethods;
import dev.handshakeagent.agent.jdk.Conscrypt;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Conscrypt's {@code NativeSsl}, one per connection, which throws BoringSSL's errors: {@code
 * doHandshake()} (a failure while handshaking, a rejected chain included) and {@code
 * readDirectByteBuffer} (an alert received while reading). The engine catches them, closes itself,
 * then rethrows; reporting here gives the listener the failure before the close. Its {@code
 * handshakeCallbacks} field is the engine.
 */
public final class NativeSslInstrumentation implements JdkInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(Conscrypt.NATIVE_SSL);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = ProviderMethods.visit(builder, type, Conscrypt.DO_HANDSHAKE, FailureAdvice.class);
    return ProviderMethods.visit(builder, type, Conscrypt.READ_DIRECT, FailureAdvice.class);
  }

  /** A failure after the handshake finished finds no open handshake and is ignored. */
  public static final class FailureAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.FieldValue(Conscrypt.CALLBACKS_FIELD) Object engine,
        @Advice.Thrown Throwable thrown) {
      if (thrown != null) {
        ProviderBridge.failed(engine, thrown, null, false);
      }
    }
  }
}
