package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.List;
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

  static final Hook FINISH =
      Hook.of(
          Jsse.TRANSPORT_CONTEXT,
          "finishHandshake",
          "()Ljavax/net/ssl/SSLEngineResult$HandshakeStatus;",
          Hook.Feature.CORE,
          "handshake success");
  static final Hook FATAL =
      Hook.of(
          Jsse.TRANSPORT_CONTEXT,
          "fatal",
          "(Lsun/security/ssl/Alert;Ljava/lang/String;ZLjava/lang/Throwable;)"
              + "Ljavax/net/ssl/SSLException;",
          Hook.Feature.CORE,
          "handshake failure: first fatal alert, sent or received");
  static final Hook CLOSE_INBOUND =
      Hook.of(
          Jsse.TRANSPORT_CONTEXT,
          "closeInbound",
          "()V",
          Hook.Feature.CLOSE,
          "application closes during a handshake");
  static final Hook CLOSE_OUTBOUND =
      Hook.of(
          Jsse.TRANSPORT_CONTEXT,
          "closeOutbound",
          "()V",
          Hook.Feature.CLOSE,
          "application closes during a handshake");

  private final Set<Hook.Feature> enabled;

  public TransportContextInstrumentation(Set<Hook.Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(Jsse.TRANSPORT_CONTEXT);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = Hooks.visit(builder, enabled, FINISH, FinishHandshakeAdvice.class);
    builder = Hooks.visit(builder, enabled, FATAL, FatalAdvice.class);
    builder = Hooks.visit(builder, enabled, CLOSE_INBOUND, CloseAdvice.class);
    return Hooks.visit(builder, enabled, CLOSE_OUTBOUND, CloseAdvice.class);
  }

  @Override
  public List<Hook> hooks() {
    return List.of(FINISH, FATAL, CLOSE_INBOUND, CLOSE_OUTBOUND);
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
    static boolean enter(@Advice.FieldValue("closeReason") Object closeReason) {
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
