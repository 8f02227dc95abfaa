package dev.handshakeagent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleYamlTest {
  @Test
  void nestedMapsListsAndScalars() {
    String text =
        String.join(
            "\n",
            "# a comment",
            "services:",
            "  demo:",
            "    image: repo/app:1.0 # trailing comment",
            "    ports:",
            "      - \"127.0.0.1:16686:16686\"",
            "      - 8889:8889",
            "    environment:",
            "      URL: 'http://host:4318'",
            "      QUOTED: \"a # not a comment\"",
            "    empty:",
            "pipelines:",
            "- name: one",
            "  more: two",
            "- plain",
            "");
    Map<String, Object> expectedDemo = new LinkedHashMap<>();
    expectedDemo.put("image", "repo/app:1.0");
    expectedDemo.put("ports", List.of("127.0.0.1:16686:16686", "8889:8889"));
    expectedDemo.put(
        "environment", Map.of("URL", "http://host:4318", "QUOTED", "a # not a comment"));
    expectedDemo.put("empty", null);

    Map<String, Object> root = SimpleYaml.parseMap(text);
    assertEquals(Map.of("demo", expectedDemo), root.get("services"));
    assertEquals(List.of(Map.of("name", "one", "more", "two"), "plain"), root.get("pipelines"));
  }

  @Test
  void keysKeepTheirOrderAndDotsAndSlashes() {
    Map<String, Object> root =
        SimpleYaml.parseMap("exporters:\n  otlp/jaeger:\n    endpoint: jaeger:4317\n  debug:\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> exporters = (Map<String, Object>) root.get("exporters");
    assertEquals(List.of("otlp/jaeger", "debug"), List.copyOf(exporters.keySet()));
    assertNull(exporters.get("debug"));
  }

  @Test
  void quotedScalarsAreUnescaped() {
    Map<String, Object> root = SimpleYaml.parseMap("a: \"x \\\"y\\\" z\"\nb: 'it''s'\n");
    assertEquals("x \"y\" z", root.get("a"));
    assertEquals("it's", root.get("b"));
  }

  @Test
  void rejectsWhatItDoesNotUnderstand() {
    for (String bad :
        List.of(
            "a: [x, y]\n",
            "a: {b: c}\n",
            "a: &anchor x\n",
            "a: |\n  text\n",
            "a:\n\tb: c\n",
            "a: 1\na: 2\n",
            "a:\n  b: 1\n    c: 2\n",
            "a: \"open\n",
            "just a scalar line\n")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SimpleYaml.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("line "), e.getMessage());
    }
  }
}
