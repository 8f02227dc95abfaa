package dev.handshakeagent.agent.jdk;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Verifies every row of a {@link JdkModel} against the running JDK's class files (read as bytes:
 * nothing is loaded or initialised), and says which features stay on: a row that does not hold
 * switches off every feature that needs it, and without {@link Feature#CORE} everything is off.
 */
public final class JdkCheck {

  /** Features whose every row holds. Unmodifiable. */
  public final Set<Feature> enabled;

  /** Rows that do not hold, in model order, for the one warning line. */
  public final List<JdkRow> failed;

  private JdkCheck(Set<Feature> enabled, List<JdkRow> failed) {
    this.enabled = Collections.unmodifiableSet(enabled);
    this.failed = Collections.unmodifiableList(failed);
  }

  /** Checks {@code model} against the class files of the running JDK. */
  public static JdkCheck run(JdkModel model) {
    return run(model, JdkCheck::systemClassFile);
  }

  /**
   * Checks {@code model} against the class files {@code classFiles} returns for a binary class name
   * (null when there is no such class).
   */
  static JdkCheck run(JdkModel model, Function<String, byte[]> classFiles) {
    Map<String, ClassFile> parsed = new HashMap<>();
    Set<Feature> enabled = EnumSet.allOf(Feature.class);
    List<JdkRow> failed = new ArrayList<>();
    for (JdkRow row : model.rows) {
      ClassFile c =
          parsed.computeIfAbsent(
              row.className,
              name -> {
                byte[] bytes = classFiles.apply(name);
                try {
                  return bytes == null ? null : ClassFile.parse(bytes);
                } catch (IOException e) {
                  return null; // unreadable counts as absent
                }
              });
      if (!holds(row, c)) {
        failed.add(row);
        enabled.removeAll(row.features);
      }
    }
    if (!enabled.contains(Feature.CORE)) {
      enabled.clear();
    }
    return new JdkCheck(enabled, failed);
  }

  private static boolean holds(JdkRow row, ClassFile c) {
    if (c == null) {
      return false;
    }
    switch (row.kind) {
      case CLASS:
        return true;
      case METHOD:
        return c.methods.contains(row.name + row.descriptor);
      case FIELD:
        return c.fields.contains(row.name + ":" + row.descriptor);
      default:
        return c.containsText(row.name);
    }
  }

  /**
   * The one warning line for rows that do not hold, or null when all hold: the JDK, the features
   * switched off and every failed row.
   */
  public String warning(String javaVersion) {
    if (failed.isEmpty()) {
      return null;
    }
    Set<Feature> off = EnumSet.allOf(Feature.class);
    off.removeAll(enabled);
    return "this JDK ("
        + javaVersion
        + ") does not match the JDK model;"
        + " switched off: "
        + (enabled.isEmpty() ? "everything" : off)
        + "; missing: "
        + failed.stream().map(JdkRow::toString).collect(Collectors.joining(", "));
  }

  /**
   * The bytes of a JDK class file. Class files are not subject to module encapsulation, so the
   * system loader finds those of {@code java.base} without any {@code --add-opens}.
   */
  private static byte[] systemClassFile(String binaryName) {
    String resource = binaryName.replace('.', '/') + ".class";
    try (InputStream in = ClassLoader.getSystemResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null; // unreadable counts as absent
    }
  }
}
