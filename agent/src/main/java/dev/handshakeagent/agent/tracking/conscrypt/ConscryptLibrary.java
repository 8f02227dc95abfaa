package dev.handshakeagent.agent.tracking.conscrypt;

import dev.handshakeagent.agent.tracking.tcnative.TcnativeLibrary;
import java.lang.reflect.Method;

/**
 * {@code handshake.provider.library} of a Conscrypt engine or socket: {@code BoringSSL (Conscrypt
 * 2.5.2)}, from {@code Conscrypt.version()}. Worked out once per engine class, by reflection on a
 * class the engine has already loaded; cached with the class.
 */
public final class ConscryptLibrary {
  private ConscryptLibrary() {}

  private static final String PACKAGE = "org.conscrypt.";
  private static final String CONSCRYPT = "org.conscrypt.Conscrypt";

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
      // Any class of Conscrypt's package (its engine, its engine socket) tells the prefix.
      String prefix = TcnativeLibrary.prefix(engineClass.getName(), PACKAGE);
      if (prefix == null) {
        return null;
      }
      Class<?> conscrypt = Class.forName(prefix + CONSCRYPT, false, engineClass.getClassLoader());
      Object v = conscrypt.getMethod("version").invoke(null);
      Class<?> vc = v.getClass();
      return "BoringSSL (Conscrypt "
          + version(vc.getMethod("major"), v)
          + "."
          + version(vc.getMethod("minor"), v)
          + "."
          + version(vc.getMethod("patch"), v)
          + ")";
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static Object version(Method m, Object v) throws ReflectiveOperationException {
    return m.invoke(v);
  }
}
