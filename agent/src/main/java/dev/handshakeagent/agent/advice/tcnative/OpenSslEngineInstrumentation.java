package dev.handshakeagent.agent.advice.tcnative;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.ProviderMethods;
import dev.handshakeagent.agent.jdk.Tcnative;
import dev.handshakeagent.bridge.ProviderBridge;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Netty's {@code ReferenceCountedOpenSslEngine}, relocated copies included: its private {@code
 * handshake()} runs every {@code SSL_do_handshake} step (start, success, a failure the handshake
 * raises), the full {@code wrap}/{@code unwrap} throw the failures raised while reading (an alert
 * received), and {@code closeInbound}/{@code closeOutbound} end a handshake the application gives
 * up on. The engine reports its failure before it closes itself, so the listener sees the failure
 * first.
 */
public final class OpenSslEngineInstrumentation implements JdkInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(Tcnative.ENGINE);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    builder = ProviderMethods.visit(builder, type, Tcnative.HANDSHAKE, HandshakeAdvice.class);
    builder = ProviderMethods.visit(builder, type, Tcnative.WRAP, TransportAdvice.class);
    builder = ProviderMethods.visit(builder, type, Tcnative.UNWRAP, TransportAdvice.class);
    builder = ProviderMethods.visit(builder, type, Tcnative.CLOSE_INBOUND, CloseAdvice.class);
    return ProviderMethods.visit(builder, type, Tcnative.CLOSE_OUTBOUND, CloseAdvice.class);
  }

  /**
   * Called several times per handshake, and once more (returning at once) by some paths after it
   * finished: the state read on entry keeps a finished engine from starting a new record. The
   * listener ignores a start while the engine's handshake is open.
   */
  public static final class HandshakeAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter(
        @Advice.This SSLEngine engine, @Advice.FieldValue(Tcnative.STATE_FIELD) Object state) {
      boolean running = !Tcnative.STATE_FINISHED.equals(String.valueOf(state));
      if (running && ProviderBridge.active()) {
        ProviderBridge.started(engine, Tcnative.PROVIDER, null, engine.getUseClientMode());
      }
      return running;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter boolean running,
        @Advice.This SSLEngine engine,
        @Advice.Return SSLEngineResult.HandshakeStatus status,
        @Advice.Thrown Throwable thrown) {
      if (!running) {
        return;
      }
      if (thrown != null) {
        ProviderBridge.failed(engine, thrown, null, false);
      } else if (status == SSLEngineResult.HandshakeStatus.FINISHED) {
        ProviderBridge.finished(engine, engine.getSession());
      }
    }
  }

  /** Only failures: a finished handshake's record is gone, so a later error is ignored. */
  public static final class TransportAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object engine, @Advice.Thrown Throwable thrown) {
      if (thrown != null) {
        ProviderBridge.failed(engine, thrown, null, false);
      }
    }
  }

  public static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object engine) {
      ProviderBridge.closed(engine);
    }
  }
}
