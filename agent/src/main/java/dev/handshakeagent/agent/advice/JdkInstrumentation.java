package dev.handshakeagent.agent.advice;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/** Byte Buddy wiring for one instrumented JDK type (or family of types). */
public interface JdkInstrumentation {

  /** The classes this instrumentation transforms. Names only: no hierarchy walk outside JSSE. */
  ElementMatcher<TypeDescription> types();

  /** Adds this instrumentation's advice to {@code builder} for one matched type. */
  DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type);
}
