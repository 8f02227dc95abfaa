package dev.handshakeagent.agent.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attach command's argument checks and the target-version rule, without a target JVM. */
class AttachCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return AttachCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8).trim();
  }

  @Test
  void targetsOlderThanJava11AreRefused() {
    assertEquals(8, Attacher.majorVersion("1.8"));
    assertEquals(11, Attacher.majorVersion("11"));
    assertEquals(25, Attacher.majorVersion("25"));
    assertEquals(0, Attacher.majorVersion(null));
    assertEquals(0, Attacher.majorVersion("x"));
    assertTrue(Attacher.majorVersion("1.8") < Attacher.MIN_JAVA);
    assertTrue(Attacher.majorVersion("11") >= Attacher.MIN_JAVA);
  }

  @Test
  void optionsAreCheckedBeforeAnyAttach() {
    assertNull(AttachCommand.checkOptions(List.of("phases=false", "otel.service.name=a")));
    assertEquals("'phases' is not key=value", AttachCommand.checkOptions(List.of("phases")));
    String bad = AttachCommand.checkOptions(List.of("abandon.timeout=soon"));
    assertTrue(bad.contains("'soon' for agent option abandon.timeout"), bad);
    assertTrue(!bad.contains("using the default"), bad);
  }

  @Test
  void usageErrorsAreOneLineAndExitTwo() {
    assertEquals(2, run("attach"));
    assertEquals(1, err().lines().count());
    assertTrue(err().startsWith("handshake-agent: 'attach' needs a pid; usage:"), err());
    err.reset();
    assertEquals(2, run("detach", "12", "phases=false"));
    assertTrue(err().contains("'detach' takes only a pid"), err());
    err.reset();
    assertEquals(2, run("list", "extra"));
    assertEquals(2, run());
    assertEquals(0, run("help"));
  }
}
