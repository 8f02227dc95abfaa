package dev.handshakeagent.agent.tracking.tcnative;

import java.lang.reflect.Method;

/**
 * {@code handshake.provider.library} of an OpenSSL engine: the native library as Netty names it
 * ({@code OpenSsl.versionString()}, {@code BoringSSL}) and the netty-tcnative build that carries it
 * ({@code BoringSSL (netty-tcnative 2.0.84.Final)}; a relocated copy names its prefix and its jar's
 * version: {@code BoringSSL (io.grpc.netty.shaded 1.85.1)}). Worked out once per engine class, by
 * reflection on classes the engine has already loaded and initialised; the answer is cached with
 * the class.
 */
public final class TcnativeLibrary {
  private TcnativeLibrary() {}

  private static final String PACKAGE = "io.netty.handler.ssl.";
  private static final String OPENSSL = "io.netty.handler.ssl.OpenSsl";
  private static final String SSL = "io.netty.internal.tcnative.SSL";

  private static final ClassValue<String> LIBRARY =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> engineClass) {
          return describe(engineClass);
        }
      };

  /** The library of {@code engine}'s class, or null when it cannot be told. */
  public static String of(Object engine) {
    return engine == null ? null : LIBRARY.get(engine.getClass());
  }

  static String describe(Class<?> engineClass) {
    try {
      // Any class of Netty's SSL package (the engine or a subclass of it) tells the prefix.
      String prefix = prefix(engineClass.getName(), PACKAGE);
      if (prefix == null) {
        return null;
      }
      ClassLoader loader = engineClass.getClassLoader();
      Method versionString =
          Class.forName(prefix + OPENSSL, false, loader).getMethod("versionString");
      String library = (String) versionString.invoke(null);
      Package tcnative = Class.forName(prefix + SSL, false, loader).getPackage();
      String version = tcnative == null ? null : tcnative.getImplementationVersion();
      String carrier =
          prefix.isEmpty() ? "netty-tcnative" : prefix.substring(0, prefix.length() - 1);
      return version == null ? library : library + " (" + carrier + " " + version + ")";
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * What precedes {@code pkg} ({@code io.netty.handler.ssl.}) in {@code className}: "" when it is
   * not relocated, {@code io.grpc.netty.shaded.} for gRPC's copy, null when it is not in it.
   */
  public static String prefix(String className, String pkg) {
    if (className.startsWith(pkg)) {
      return "";
    }
    int at = className.indexOf("." + pkg);
    return at < 0 ? null : className.substring(0, at + 1);
  }
}
