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
 * {@code sun.security.ssl.SSLEngineImpl}: its constructor runs on the thread that asked for the
 * engine, usually inside the application's request. The engine's handshake may start elsewhere (the
 * JDK's HttpClient runs it on its selector thread), where no application span is current.
 */
public final class SSLEngineImplInstrumentation implements JdkInstrumentation {

  private final Set<Feature> enabled;

  public SSLEngineImplInstrumentation(Set<Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return named(SunJsse.SSL_ENGINE_IMPL);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, SunJsse.ENGINE_CREATED, CreatedAdvice.class);
  }

  public static final class CreatedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object engine) {
      HandshakeBridge.engineCreated(engine);
    }
  }
}
