package dev.handshakeagent.agent.advice.bcjsse;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code org.bouncycastle.tls.RecordStream}: {@code readRecord()} returns false when the peer's
 * stream ended. During a handshake BCJSSE then raises a {@code handshake_failure} alert of its own,
 * so the event {@code peer_closed} is what tells this failure apart (an event after the handshake
 * finds no open record and is dropped).
 */
public final class RecordStreamInstrumentation implements JdkInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(BcjsseHooks.RECORD_STREAM);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(
        Advice.to(ReadRecordAdvice.class)
            .on(
                named(BcjsseHooks.READ_RECORD.name)
                    .and(hasDescriptor(BcjsseHooks.READ_RECORD.descriptor))));
  }

  public static final class ReadRecordAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return boolean read, @Advice.FieldValue("handler") Object protocol) {
      if (!read) {
        ProviderBridge.event(protocol, "peer_closed");
      }
    }
  }
}
