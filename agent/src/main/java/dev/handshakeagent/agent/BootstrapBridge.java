package dev.handshakeagent.agent;

import dev.handshakeagent.agent.jdk.JavaBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Makes the bridge classes boot loader classes, so advice inlined into {@code java.base} classes
 * can call them. Must run before any agent class touches a bridge type: the system class loader
 * delegates to the boot loader first, so every later reference resolves to the boot copy.
 *
 * <p>The bridge classes are defined directly in the boot loader (the JDK's internal {@code
 * Unsafe.defineClass}, reached through the module opened to the agent). Appending a jar to the boot
 * class path would do too, but makes the JVM print a warning and switch off class data sharing for
 * every class not loaded by the boot loader, which slows the application's start; that is only the
 * fallback, for a JDK where the direct way fails.
 */
final class BootstrapBridge {
  /** The whole bridge: JDK types only. */
  static final String[] CLASSES = {
    "dev.handshakeagent.bridge.HandshakeBridge",
    "dev.handshakeagent.bridge.HandshakeListener",
    "dev.handshakeagent.bridge.ProviderBridge",
    "dev.handshakeagent.bridge.ProviderListener"
  };

  private BootstrapBridge() {}

  /**
   * @param direct whether to try the direct way: false when the JDK model check found its rows
   *     ({@link JavaBase}) missing
   */
  static void inject(Instrumentation inst, boolean direct) throws IOException {
    // Already there when attached before, or with -Xbootclasspath/a.
    if (onBootClassPath() || (direct && defineInBootLoader(inst))) {
      return;
    }
    appendJar(inst);
  }

  /**
   * Defines the classes with the internal {@code Unsafe.defineClass(name, bytes, 0, length, null,
   * null)} (null: the boot loader). False, with nothing defined, if this JDK does not allow it.
   */
  private static boolean defineInBootLoader(Instrumentation inst) {
    try {
      Module base = Object.class.getModule();
      Module agent = BootstrapBridge.class.getModule();
      inst.redefineModule(
          base,
          Set.of(),
          Map.of(JavaBase.UNSAFE_PACKAGE, Set.of(agent)),
          Map.of(),
          Set.of(),
          Map.of());
      Class<?> unsafeClass = Class.forName(JavaBase.GET_UNSAFE.className);
      Object unsafe = unsafeClass.getMethod(JavaBase.GET_UNSAFE.name).invoke(null);
      // The parameters of the row's descriptor, which the model check verified.
      Method define =
          unsafeClass.getMethod(
              JavaBase.DEFINE_CLASS.name,
              String.class,
              byte[].class,
              int.class,
              int.class,
              ClassLoader.class,
              ProtectionDomain.class);
      // The interface first: defining the bridge class resolves it.
      for (int i = CLASSES.length - 1; i >= 0; i--) {
        byte[] bytes = classBytes(CLASSES[i]);
        define.invoke(unsafe, CLASSES[i], bytes, 0, bytes.length, null, null);
      }
      return onBootClassPath();
    } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
      return false;
    }
  }

  private static byte[] classBytes(String name) throws IOException {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = BootstrapBridge.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("bridge class missing from the agent jar: " + resource);
      }
      return in.readAllBytes();
    }
  }

  private static void appendJar(Instrumentation inst) throws IOException {
    Path jar = Files.createTempFile("handshake-agent-bridge", ".jar");
    jar.toFile().deleteOnExit();
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (String name : CLASSES) {
        out.putNextEntry(new JarEntry(name.replace('.', '/') + ".class"));
        out.write(classBytes(name));
        out.closeEntry();
      }
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
  }

  private static boolean onBootClassPath() {
    try {
      Class.forName(CLASSES[0], false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
