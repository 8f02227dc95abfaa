package dev.handshakeagent.agent.jdk;

import java.util.List;

/**
 * Rows of the {@link JdkModel} outside any TLS provider: the {@code java.base} internals the agent
 * itself uses to put its bridge into the boot loader.
 */
public final class JavaBase {
  private JavaBase() {}

  /** Not a TLS provider: the JDK's own base module. */
  public static final String PROVIDER = "java.base";

  /** The package opened to the agent for {@link #DEFINE_CLASS}. */
  public static final String UNSAFE_PACKAGE = "jdk.internal.misc";

  private static final String UNSAFE = UNSAFE_PACKAGE + ".Unsafe";

  public static final JdkRow GET_UNSAFE =
      JdkRow.of(
          JdkRow.Kind.METHOD,
          PROVIDER,
          UNSAFE,
          "getUnsafe",
          "()Ljdk/internal/misc/Unsafe;",
          "the internal Unsafe, to define the bridge in the boot loader",
          SunJsse.VERIFIED,
          Feature.BOOT_DEFINE);

  /** Called with a null loader and protection domain: the boot loader. */
  public static final JdkRow DEFINE_CLASS =
      JdkRow.of(
          JdkRow.Kind.METHOD,
          PROVIDER,
          UNSAFE,
          "defineClass",
          "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)"
              + "Ljava/lang/Class;",
          "defines the two bridge classes in the boot loader",
          SunJsse.VERIFIED,
          Feature.BOOT_DEFINE);

  static List<JdkRow> rows() {
    return List.of(GET_UNSAFE, DEFINE_CLASS);
  }
}
