package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.JdkRow;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Rows of another provider's model as Byte Buddy matchers, for the library's own package or any
 * relocated copy of it: a class matches by the name that follows a prefix ({@code
 * io.grpc.netty.shaded.} + {@code io.netty.handler.ssl.ReferenceCountedOpenSslEngine}), and the
 * library's names in a method descriptor get the same prefix.
 */
public final class ProviderHooks {
  private ProviderHooks() {}

  /** Classes named {@code binaryName}, or {@code binaryName} after a package prefix. */
  public static ElementMatcher.Junction<TypeDescription> relocatable(String binaryName) {
    return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
      @Override
      public boolean matches(TypeDescription type) {
        return prefix(type.getName(), binaryName) != null;
      }
    };
  }

  /** Any of {@code binaryNames}, each as {@link #relocatable}. */
  public static ElementMatcher.Junction<TypeDescription> relocatableAny(
      Iterable<String> binaryNames) {
    ElementMatcher.Junction<TypeDescription> any = null;
    for (String n : binaryNames) {
      any = any == null ? relocatable(n) : any.or(relocatable(n));
    }
    return any;
  }

  /** The prefix in front of {@code binaryName} in {@code name} ("" if none), null if no match. */
  public static String prefix(String name, String binaryName) {
    if (!name.endsWith(binaryName)) {
      return null;
    }
    int cut = name.length() - binaryName.length();
    if (cut == 0) {
      return "";
    }
    return name.charAt(cut - 1) == '.' ? name.substring(0, cut) : null;
  }

  /**
   * {@code descriptor} with every name of the library (the first two segments of {@code className},
   * {@code io/netty/}) under {@code prefix}.
   */
  static String relocate(String descriptor, String className, String prefix) {
    if (prefix.isEmpty()) {
      return descriptor;
    }
    int first = className.indexOf('.');
    int second = className.indexOf('.', first + 1);
    String root = "L" + className.substring(0, second + 1).replace('.', '/');
    return descriptor.replace(root, "L" + prefix.replace('.', '/') + root.substring(1));
  }

  /** The method of {@code row} in {@code type}, a copy of the row's class under some prefix. */
  static ElementMatcher.Junction<MethodDescription> method(JdkRow row, TypeDescription type) {
    String prefix = prefix(type.getName(), row.className);
    return named(row.name)
        .and(hasDescriptor(relocate(row.descriptor, row.className, prefix == null ? "" : prefix)));
  }

  /** Applies {@code advice} to {@code row}'s method in {@code type} when its features are on. */
  public static DynamicType.Builder<?> visit(
      DynamicType.Builder<?> builder,
      TypeDescription type,
      Set<Feature> enabled,
      JdkRow row,
      Class<?> advice) {
    if (!row.enabledIn(enabled) || prefix(type.getName(), row.className) == null) {
      return builder;
    }
    return builder.visit(Hooks.advice(advice).on(method(row, type)));
  }
}
