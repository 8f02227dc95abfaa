package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code sun.security.ssl.TransportContext}: one per connection. {@code finishHandshake()} is where
 * every handshake succeeds, {@code fatal(Alert, String, boolean, Throwable)} where every one fails
 * (the other overloads delegate to it), and {@code closeInbound/closeOutbound} where the
 * application gives up on one.
 */
public final class TransportContextInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public TransportContextInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.TRANSPORT_CONTEXT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = Hooks.visit(builder, enabled, SunJsse.FINISH, FinishHandshakeAdvice.class);
    builder = Hooks.visit(builder, enabled, SunJsse.FATAL, FatalAdvice.class);
    builder = Hooks.visit(builder, enabled, SunJsse.CLOSE_INBOUND, CloseAdvice.class);
    return Hooks.visit(builder, enabled, SunJsse.CLOSE_OUTBOUND, CloseAdvice.class);
  }

  public static final class FinishHandshakeAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transportContext) {
      HandshakeBridge.handshakeFinished(transportContext);
    }
  }

  /** Only the first call per connection is real; later ones just rethrow (closeReason is set). */
  public static final class FatalAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter(@Advice.FieldValue(SunJsse.CLOSE_REASON) Object closeReason) {
      return closeReason == null;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter boolean first,
        @Advice.This Object transportContext,
        @Advice.Argument(0) Object alert,
        @Advice.Argument(1) String message,
        @Advice.Argument(2) boolean received,
        @Advice.Argument(3) Throwable cause,
        @Advice.Thrown Throwable thrown) {
      if (first) {
        HandshakeBridge.fatal(transportContext, alert, message, received, cause, thrown);
      }
    }
  }

  public static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transportContext) {
      HandshakeBridge.closing(transportContext);
    }
  }
}
