package dev.handshakeagent.agent.jdk;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a class file the model check needs: declared methods and fields (name and
 * descriptor) and the UTF-8 entries of the constant pool. Read from the bytes only, so the class is
 * neither loaded nor initialised.
 */
final class ClassFile {
  /** {@code name + descriptor} of every declared method. */
  final Set<String> methods = new HashSet<>();

  /** {@code name + ":" + descriptor} of every declared field. */
  final Set<String> fields = new HashSet<>();

  /** Every UTF-8 constant (names, descriptors, string literals). */
  final List<String> utf8 = new ArrayList<>();

  private ClassFile() {}

  static ClassFile parse(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] pool = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1: // Utf8 (modified UTF-8, as readUTF expects)
          pool[i] = in.readUTF();
          break;
        case 7: // Class
        case 8: // String
        case 16: // MethodType
        case 19: // Module
        case 20: // Package
          in.skipBytes(2);
          break;
        case 15: // MethodHandle
          in.skipBytes(3);
          break;
        case 3: // Integer
        case 4: // Float
        case 9: // Fieldref
        case 10: // Methodref
        case 11: // InterfaceMethodref
        case 12: // NameAndType
        case 17: // Dynamic
        case 18: // InvokeDynamic
          in.skipBytes(4);
          break;
        case 5: // Long
        case 6: // Double: two slots
          in.skipBytes(8);
          i++;
          break;
        default:
          throw new IOException("unknown constant pool tag " + tag);
      }
    }
    ClassFile c = new ClassFile();
    for (String s : pool) {
      if (s != null) {
        c.utf8.add(s);
      }
    }
    in.skipBytes(6); // access flags, this class, super class
    in.skipBytes(2 * in.readUnsignedShort()); // interfaces
    members(in, pool, c.fields, ":");
    members(in, pool, c.methods, "");
    return c;
  }

  private static void members(DataInputStream in, String[] pool, Set<String> out, String sep)
      throws IOException {
    int count = in.readUnsignedShort();
    for (int i = 0; i < count; i++) {
      in.skipBytes(2); // access flags
      String name = pool[in.readUnsignedShort()];
      String descriptor = pool[in.readUnsignedShort()];
      out.add(name + sep + descriptor);
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        in.skipBytes(2);
        in.skipBytes(in.readInt());
      }
    }
  }

  boolean containsText(String text) {
    for (String s : utf8) {
      if (s.contains(text)) {
        return true;
      }
    }
    return false;
  }
}
