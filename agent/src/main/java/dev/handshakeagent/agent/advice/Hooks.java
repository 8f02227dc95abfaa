package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/** Turns hook-table rows into Byte Buddy method matchers, so the table is the only source. */
final class Hooks {
  private Hooks() {}

  static ElementMatcher.Junction<MethodDescription> method(Hook hook) {
    ElementMatcher.Junction<MethodDescription> name =
        "<init>".equals(hook.method) ? isConstructor() : named(hook.method);
    return name.and(hasDescriptor(hook.descriptor));
  }

  /** Applies {@code advice} to {@code hook}'s method when its feature is enabled. */
  static DynamicType.Builder<?> visit(
      DynamicType.Builder<?> builder, Set<Hook.Feature> enabled, Hook hook, Class<?> advice) {
    if (!enabled.contains(hook.feature)) {
      return builder;
    }
    return builder.visit(Advice.to(advice).on(method(hook)));
  }
}
