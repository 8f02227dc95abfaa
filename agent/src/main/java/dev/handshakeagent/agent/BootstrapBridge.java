package dev.handshakeagent.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the bridge classes on the boot class path, so advice inlined into {@code java.base} classes
 * can call them. Must run before any agent class touches a bridge type: the system class loader
 * delegates to the boot loader first, so every later reference resolves to the boot copy.
 */
final class BootstrapBridge {
  /** The whole bridge: JDK types only. */
  static final String[] CLASSES = {
    "dev.handshakeagent.bridge.HandshakeBridge", "dev.handshakeagent.bridge.HandshakeListener"
  };

  private BootstrapBridge() {}

  static void inject(Instrumentation inst) throws IOException {
    if (onBootClassPath()) {
      return; // attached before, or on -Xbootclasspath/a
    }
    Path jar = Files.createTempFile("handshake-agent-bridge", ".jar");
    jar.toFile().deleteOnExit();
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      ClassLoader own = BootstrapBridge.class.getClassLoader();
      for (String name : CLASSES) {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = own.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IOException("bridge class missing from the agent jar: " + resource);
          }
          out.putNextEntry(new JarEntry(resource));
          in.transferTo(out);
          out.closeEntry();
        }
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
