package dev.handshakeagent.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader for the small YAML subset that docker-compose.yml and the collector config use, so the
 * tests need no YAML library: block maps nested by indentation ({@code key: value}, {@code key:}),
 * block lists ({@code - item}, including {@code - key: value} items), plain, single- and
 * double-quoted scalars, and comments. Every scalar stays a {@code String}. Anything else (flow
 * collections, anchors, multi-line scalars, tabs) is rejected with the line number, so a file that
 * outgrows the subset fails the test instead of being misread.
 */
final class SimpleYaml {
  private final List<Line> lines = new ArrayList<>();
  private int next;

  private SimpleYaml(String text) {
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String content = stripComment(raw[i], i + 1);
      if (content.isBlank()) {
        continue;
      }
      if (content.startsWith("---") || content.startsWith("...")) {
        throw error(i + 1, "document markers are not supported");
      }
      int indent = 0;
      while (content.charAt(indent) == ' ') {
        indent++;
      }
      if (content.charAt(indent) == '\t') {
        throw error(i + 1, "tabs are not allowed for indentation");
      }
      lines.add(new Line(i + 1, indent, content.substring(indent).stripTrailing()));
    }
  }

  /** Parses {@code text}: a map, a list, or null for an empty document. */
  static Object parse(String text) {
    SimpleYaml yaml = new SimpleYaml(text);
    if (yaml.lines.isEmpty()) {
      return null;
    }
    Object root = yaml.block(yaml.lines.get(0).indent);
    if (yaml.next < yaml.lines.size()) {
      Line extra = yaml.lines.get(yaml.next);
      throw error(extra.number, "unexpected indentation");
    }
    return root;
  }

  /** Parses {@code text}, which must be a map at the top. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseMap(String text) {
    Object root = parse(text);
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException("the document is not a map");
    }
    return (Map<String, Object>) root;
  }

  private Object block(int indent) {
    return lines.get(next).isListItem() ? list(indent) : map(indent);
  }

  private Map<String, Object> map(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (next < lines.size()) {
      Line line = lines.get(next);
      if (line.indent < indent) {
        break;
      }
      if (line.indent > indent) {
        throw error(line.number, "unexpected indentation");
      }
      if (line.isListItem()) {
        throw error(line.number, "a list item where a map key was expected");
      }
      int colon = keyEnd(line);
      if (colon < 0) {
        throw error(line.number, "expected 'key: value'");
      }
      String key = scalar(line.text.substring(0, colon).trim(), line.number);
      String rest = line.text.substring(colon + 1).trim();
      next++;
      Object value;
      if (!rest.isEmpty()) {
        value = scalar(rest, line.number);
      } else if (next < lines.size()
          && (lines.get(next).indent > indent
              || (lines.get(next).indent == indent && lines.get(next).isListItem()))) {
        // A nested block; a list may also sit at the key's own indentation.
        value = block(lines.get(next).indent);
      } else {
        value = null;
      }
      if (map.containsKey(key)) {
        throw error(line.number, "duplicate key '" + key + "'");
      }
      map.put(key, value);
    }
    return map;
  }

  private List<Object> list(int indent) {
    List<Object> list = new ArrayList<>();
    while (next < lines.size()) {
      Line line = lines.get(next);
      if (line.indent < indent || (line.indent == indent && !line.isListItem())) {
        break;
      }
      if (line.indent > indent) {
        throw error(line.number, "unexpected indentation");
      }
      String rest = line.text.substring(1).trim();
      if (rest.isEmpty()) {
        next++;
        if (next >= lines.size() || lines.get(next).indent <= indent) {
          list.add(null);
        } else {
          list.add(block(lines.get(next).indent));
        }
        continue;
      }
      int itemIndent = indent + line.text.indexOf(rest);
      Line item = new Line(line.number, itemIndent, rest);
      if (item.isListItem() || keyEnd(item) >= 0) {
        // "- key: value" starts a map (or "- - x" a list) whose lines align with "key".
        lines.set(next, item);
        list.add(block(itemIndent));
      } else {
        list.add(scalar(rest, line.number));
        next++;
      }
    }
    return list;
  }

  /** The index of the colon that ends a key ({@code ": "} or a final {@code ":"}), else -1. */
  private static int keyEnd(Line line) {
    String text = line.text;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if ((c == '"' || c == '\'') && i == 0) {
        quote = c;
      } else if (c == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private static String scalar(String text, int number) {
    if (text.startsWith("\"")) {
      if (text.length() < 2 || !text.endsWith("\"")) {
        throw error(number, "unterminated double-quoted string");
      }
      return unescapeDouble(text.substring(1, text.length() - 1), number);
    }
    if (text.startsWith("'")) {
      if (text.length() < 2 || !text.endsWith("'")) {
        throw error(number, "unterminated single-quoted string");
      }
      return text.substring(1, text.length() - 1).replace("''", "'");
    }
    char first = text.charAt(0);
    if ("[{&*!|>%@`".indexOf(first) >= 0) {
      throw error(number, "'" + first + "' starts YAML this reader does not support");
    }
    return text;
  }

  private static String unescapeDouble(String s, int number) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= s.length()) {
        throw error(number, "dangling backslash");
      }
      char e = s.charAt(i);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.append(e);
          break;
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        default:
          throw error(number, "unsupported escape \\" + e);
      }
    }
    return out.toString();
  }

  /** Removes a comment: {@code #} at the start or after a space, outside quotes. */
  private static String stripComment(String line, int number) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        // Only a quote that starts a scalar opens a string (it's "a'b" otherwise).
        if (i == 0 || " -:".indexOf(line.charAt(i - 1)) >= 0) {
          quote = c;
        }
      } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
        return line.substring(0, i);
      }
    }
    if (quote != 0) {
      throw error(number, "unterminated quoted string");
    }
    return line;
  }

  private static IllegalArgumentException error(int line, String message) {
    return new IllegalArgumentException("line " + line + ": " + message);
  }

  /** One non-blank line without its comment. */
  private static final class Line {
    final int number;
    final int indent;
    final String text;

    Line(int number, int indent, String text) {
      this.number = number;
      this.indent = indent;
      this.text = text;
    }

    boolean isListItem() {
      return text.equals("-") || text.startsWith("- ");
    }
  }
}
