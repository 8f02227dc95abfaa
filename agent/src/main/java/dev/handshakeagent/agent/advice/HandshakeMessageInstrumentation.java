package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.handshakeagent.bridge.HandshakeBridge;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Subclasses of {@code SSLHandshake$HandshakeMessage}: {@code write(HandshakeOutStream)} serializes
 * every outbound message, which names the innermost producer frame ({@code handshakeType()} tells
 * hello_retry_request apart from server_hello).
 */
public final class HandshakeMessageInstrumentation implements JdkInstrumentation {

  /** Row for one representative; the matcher covers every concrete message class. */
  static final Hook WRITE =
      Hook.of(
          Jsse.PKG + "ClientHello$ClientHelloMessage",
          "write",
          "(Lsun/security/ssl/HandshakeOutStream;)V",
          Hook.Feature.PHASES,
          "outbound message serialized (names the producer frame)");

  private final Set<Hook.Feature> enabled;

  public HandshakeMessageInstrumentation(Set<Hook.Feature> enabled) {
    this.enabled = enabled;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return nameStartsWith(Jsse.PKG)
        .and(not(nameContains("Extension")))
        .and(not(isAbstract()))
        .and(hasSuperType(named(Jsse.HANDSHAKE_MESSAGE)));
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return Hooks.visit(builder, enabled, WRITE, WriteAdvice.class);
  }

  @Override
  public List<Hook> hooks() {
    return List.of(WRITE);
  }

  public static final class WriteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object message, @Advice.Argument(0) Object outStream) {
      HandshakeBridge.messageWritten(message, outStream);
    }
  }
}
