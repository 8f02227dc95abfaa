package dev.handshakeagent.agent.advice;

import dev.handshakeagent.agent.jdk.ProviderRow;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Checks a provider's {@link ProviderRow}s for one class Byte Buddy matched, against the type
 * description it already has (no class is loaded, no class file read twice). A relocated copy is
 * compared with its prefix taken out of the class name and of every descriptor.
 */
public final class ProviderCheck {
  private ProviderCheck() {}

  /**
   * The relocation prefix of {@code type} for {@code className} ({@code io.grpc.netty.shaded.}),
   * the empty string when it is not relocated, or null when {@code type} is not that class at all.
   */
  public static String prefix(String typeName, String className) {
    if (typeName.equals(className)) {
      return "";
    }
    if (typeName.endsWith("." + className)) {
      return typeName.substring(0, typeName.length() - className.length());
    }
    return null;
  }

  /** The rows of {@code rows} about {@code type} that it does not satisfy, in order. */
  public static List<ProviderRow> missing(List<ProviderRow> rows, TypeDescription type) {
    List<ProviderRow> out = new ArrayList<>();
    for (ProviderRow row : rows) {
      String prefix = prefix(type.getName(), row.className);
      if (prefix != null && !holds(row, type, prefix.replace('.', '/'))) {
        out.add(row);
      }
    }
    return out;
  }

  private static boolean holds(ProviderRow row, TypeDescription type, String internalPrefix) {
    switch (row.kind) {
      case CLASS:
        return true;
      case METHOD:
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
          if (m.getInternalName().equals(row.name)
              && unrelocated(m.getDescriptor(), internalPrefix).equals(row.descriptor)) {
            return true;
          }
        }
        return false;
      default:
        for (FieldDescription.InDefinedShape f : type.getDeclaredFields()) {
          if (f.getName().equals(row.name)
              && unrelocated(f.getDescriptor(), internalPrefix).equals(row.descriptor)) {
            return true;
          }
        }
        return false;
    }
  }

  private static String unrelocated(String descriptor, String internalPrefix) {
    return internalPrefix.isEmpty() ? descriptor : descriptor.replace("L" + internalPrefix, "L");
  }
}
