package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.ProviderRow;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Method rows of another provider's model as Byte Buddy method matchers, in the library's own
 * package or a relocated copy: the library's names in the row's descriptor ({@code Lio/netty/...})
 * get the prefix the matched class has ({@code Lio/grpc/netty/shaded/io/netty/...}).
 */
public final class ProviderMethods {
  private ProviderMethods() {}

  /**
   * {@code descriptor} with every name under the library's root (the first two segments of {@code
   * className}: {@code io/netty/}, {@code org/conscrypt/}) moved under {@code prefix}.
   */
  static String relocate(String descriptor, String className, String prefix) {
    if (prefix.isEmpty()) {
      return descriptor;
    }
    int first = className.indexOf('.');
    String root = className.substring(0, className.indexOf('.', first + 1) + 1).replace('.', '/');
    return descriptor.replace("L" + root, "L" + prefix.replace('.', '/') + root);
  }

  /** {@code row}'s method in {@code type}, a copy of the row's class under some prefix. */
  static ElementMatcher.Junction<MethodDescription> method(ProviderRow row, TypeDescription type) {
    String prefix = ProviderCheck.prefix(type.getName(), row.className);
    return named(row.name)
        .and(hasDescriptor(relocate(row.descriptor, row.className, prefix == null ? "" : prefix)));
  }

  /**
   * Applies {@code advice} to every constructor of {@code type}: an advice that reads a field the
   * constructors set ({@code row}, a field row of the type's class) whatever their parameters.
   */
  public static DynamicType.Builder<?> visitConstructors(
      DynamicType.Builder<?> builder, TypeDescription type, ProviderRow row, Class<?> advice) {
    if (ProviderCheck.prefix(type.getName(), row.className) == null) {
      return builder;
    }
    return builder.visit(Hooks.advice(advice).on(isConstructor()));
  }

  /** Applies {@code advice} to {@code row}'s method when {@code type} is (a copy of) its class. */
  public static DynamicType.Builder<?> visit(
      DynamicType.Builder<?> builder, TypeDescription type, ProviderRow row, Class<?> advice) {
    if (ProviderCheck.prefix(type.getName(), row.className) == null) {
      return builder;
    }
    return builder.visit(Hooks.advice(advice).on(method(row, type)));
  }
}
