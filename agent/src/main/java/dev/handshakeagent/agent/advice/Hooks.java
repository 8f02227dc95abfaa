package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.JdkRow;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/** Turns method rows of the JDK model into Byte Buddy method matchers: the model is the source. */
final class Hooks {
  /**
   * Each advice class parsed once: the producer advice alone applies to some 40 classes, and
   * parsing it for each was a visible part of the first handshake's cost.
   */
  private static final Map<Class<?>, Advice> ADVICE = new ConcurrentHashMap<>();

  private Hooks() {}

  static ElementMatcher.Junction<MethodDescription> method(JdkRow row) {
    ElementMatcher.Junction<MethodDescription> name =
        "<init>".equals(row.name) ? isConstructor() : named(row.name);
    return name.and(hasDescriptor(row.descriptor));
  }

  /**
   * Applies {@code advice} to {@code row}'s method when its features are enabled. An advice that
   * reads other rows (a field value) has those rows tagged with the same feature, so a missing
   * field switches this hook off instead of failing the whole class's transformation.
   */
  static DynamicType.Builder<?> visit(
      DynamicType.Builder<?> builder, Set<Feature> enabled, JdkRow row, Class<?> advice) {
    if (!row.enabledIn(enabled)) {
      return builder;
    }
    return builder.visit(advice(advice).on(method(row)));
  }

  /** {@code advice}, parsed once. */
  static Advice advice(Class<?> advice) {
    return ADVICE.computeIfAbsent(advice, Advice::to);
  }
}
