package dev.handshakeagent.agent.telemetry.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link ConsoleRenderer} on fixed handshakes: header, bars, nesting, truncation, color. */
class ConsoleRendererTest {

  private static final int WIDTH = 40;
  private static final long MS = 1_000_000L;
  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");
  private static final Pattern PHASE_LINE =
      Pattern.compile(
          "^ {2}( *\\+\\d+\\.\\d\\d) ms {2}( *\\d+\\.\\d) ms {2}\\|([^|]*)\\| {2}(.*)$");

  private final ConsoleRenderer plain = new ConsoleRenderer(WIDTH, false);

  private static ConsoleHandshake success() {
    return ConsoleHandshake.builder()
        .role("client")
        .peer("localhost:8443")
        .api("SSLSocket")
        .protocol("TLSv1.3")
        .cipher("TLS_AES_128_GCM_SHA256")
        .durationNanos(100 * MS)
        .phase("send client_hello", 0, 0, 50 * MS, false)
        .phase("receive server_hello", 0, 50 * MS, 10 * MS, false)
        .phase("receive certificate", 0, 60 * MS, 30 * MS, false)
        .phase("validate certificate chain", 1, 61 * MS, 25 * MS, false)
        .phase("receive finished", 0, 90 * MS, 10 * MS, false)
        .build();
  }

  private static ConsoleHandshake failure() {
    return ConsoleHandshake.builder()
        .role("client")
        .peer("localhost:8443")
        .api("SSLEngine")
        .protocol("TLSv1.3")
        .durationNanos(20 * MS)
        .outcome(ConsoleHandshake.Outcome.FAILED)
        .errorType("certificate_unknown")
        .alertOrigin("local")
        .failedPhase("validate certificate chain")
        .message("PKIX path building failed:\nunable to find valid certification path")
        .phase("send client_hello", 0, 0, 2 * MS, false)
        .phase("receive server_hello", 0, 5 * MS, 1 * MS, false)
        .phase("receive certificate", 0, 8 * MS, 12 * MS, false)
        .phase("validate certificate chain", 1, 8 * MS, 12 * MS, true)
        .build();
  }

  /** The parts of a phase line: offset, duration, bar, indented name (with any mark). */
  private static Matcher phaseLine(String line) {
    Matcher m = PHASE_LINE.matcher(line);
    assertTrue(m.matches(), "not a phase line: '" + line + "'");
    return m;
  }

  private static String bar(String line) {
    return phaseLine(line).group(3);
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  private static String stripAnsi(String s) {
    return ANSI.matcher(s).replaceAll("");
  }

  /** The column where the bar starts; the same on every phase line when aligned. */
  private static int barColumn(String line) {
    return line.indexOf('|');
  }

  @Test
  void successHeaderAndOneLinePerPhase() {
    List<String> lines = plain.render(success());

    assertEquals(
        "TLS client handshake localhost:8443  TLSv1.3 TLS_AES_128_GCM_SHA256  100.0 ms  OK",
        lines.get(0));
    assertEquals(1 + 5, lines.size(), String.join("\n", lines));
    assertEquals("send client_hello", phaseLine(lines.get(1)).group(4));
    assertEquals("receive finished", phaseLine(lines.get(5)).group(4));
    assertEquals("+61.00", phaseLine(lines.get(4)).group(1).trim());
    assertEquals("25.0", phaseLine(lines.get(4)).group(2).trim());
    for (String line : lines.subList(1, lines.size())) {
      assertEquals(WIDTH, bar(line).length(), line);
      assertEquals(barColumn(lines.get(1)), barColumn(line), "bars aligned: " + line);
      assertFalse(line.contains(ConsoleRenderer.FAILED_MARK), line);
      assertFalse(line.contains("\u001b"), "no escapes without color: " + line);
    }
  }

  @Test
  void barsAreProportionalAndPlacedByOffset() {
    List<String> lines = plain.render(success());

    String firstHalf = bar(lines.get(1));
    assertEquals("=".repeat(WIDTH / 2) + ".".repeat(WIDTH / 2), firstHalf);
    String tenPercentAtHalf = bar(lines.get(2));
    assertEquals(WIDTH / 2, tenPercentAtHalf.indexOf('='));
    assertEquals(WIDTH / 10, count(tenPercentAtHalf, '='), tenPercentAtHalf);
    String last = bar(lines.get(5));
    assertTrue(last.endsWith("="), last);
    assertEquals(WIDTH / 10, count(last, '='), last);
  }

  @Test
  void columnsLineUpAcrossHandshakesUnderASecond() {
    String fromSuccess = plain.render(success()).get(1);
    String fromFailure = plain.render(failure()).get(2); // line 1 is the explanation

    assertEquals(barColumn(fromSuccess), barColumn(fromFailure));
    assertEquals("    +0.00 ms   50.0 ms  |", fromSuccess.substring(0, barColumn(fromSuccess) + 1));
  }

  @Test
  void okMarkersForResumptionAndHelloRetry() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .role("server")
            .protocol("TLSv1.3")
            .cipher("TLS_AES_256_GCM_SHA384")
            .durationNanos(1_250_000)
            .resumed(true)
            .helloRetry(true)
            .build();

    List<String> lines = plain.render(h);

    assertEquals(
        List.of("TLS server handshake  TLSv1.3 TLS_AES_256_GCM_SHA384  1.3 ms  OK resumed HRR"),
        lines);
  }

  @Test
  void failureHeaderMarkedPhaseAndMessage() {
    List<String> lines = plain.render(failure());

    assertEquals(
        "TLS client handshake localhost:8443  TLSv1.3  20.0 ms  FAILED certificate_unknown (local)"
            + " in validate certificate chain",
        lines.get(0));
    assertEquals(1 + 4 + 1, lines.size(), String.join("\n", lines));
    // The explanation heads the waterfall, right under the header.
    assertEquals(
        "  why: PKIX path building failed: unable to find valid certification path", lines.get(1));
    String failed = lines.get(5);
    assertTrue(
        phaseLine(failed).group(4).endsWith("validate certificate chain  <- failed"), failed);
    assertTrue(bar(failed).contains("x"), failed);
    assertFalse(bar(failed).contains("="), failed);
    for (String line : lines.subList(2, 5)) {
      assertFalse(line.contains(ConsoleRenderer.FAILED_MARK), line);
    }
  }

  @Test
  void failureWithoutOriginPhaseOrMessage() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .role("server")
            .durationNanos(3 * MS)
            .outcome(ConsoleHandshake.Outcome.FAILED)
            .errorType("javax.net.ssl.SSLException")
            .build();

    assertEquals(
        List.of("TLS server handshake  3.0 ms  FAILED javax.net.ssl.SSLException"),
        plain.render(h));
  }

  @Test
  void abandonedShowsReason() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .role("client")
            .peer("example.com:443")
            .durationNanos(60_000 * MS)
            .outcome(ConsoleHandshake.Outcome.ABANDONED)
            .errorType("abandoned")
            .message("no handshake progress for 60000 ms")
            .phase("send client_hello", 0, 0, MS, false)
            .build();

    List<String> lines = plain.render(h);

    assertEquals("TLS client handshake example.com:443  60000.0 ms  ABANDONED", lines.get(0));
    assertEquals("  why: no handshake progress for 60000 ms", lines.get(1));
  }

  @Test
  void longMessageIsTruncatedToOneLine() {
    String message = "line one\r\nline two " + "x".repeat(1000);
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .outcome(ConsoleHandshake.Outcome.FAILED)
            .message(message)
            .build();

    List<String> lines = plain.render(h);

    String why = lines.get(1);
    assertTrue(why.startsWith("  why: line one  line two xxx"), why);
    assertTrue(why.endsWith("..."), why);
    assertEquals("  why: ".length() + ConsoleRenderer.MAX_MESSAGE_CHARS, why.length(), why);
  }

  @Test
  void nestedPhasesAreIndentedByDepth() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .role("server")
            .durationNanos(10 * MS)
            .phase("receive client_hello", 0, 0, 8 * MS, false)
            .phase("send server_hello", 1, MS, MS, false)
            .phase("send certificate", 1, 2 * MS, 3 * MS, false)
            .phase("deeper", 2, 3 * MS, MS, false)
            .phase("receive finished", 0, 9 * MS, MS, false)
            .build();

    List<String> lines = plain.render(h);

    assertEquals("receive client_hello", phaseLine(lines.get(1)).group(4));
    assertEquals("  send server_hello", phaseLine(lines.get(2)).group(4));
    assertEquals("  send certificate", phaseLine(lines.get(3)).group(4));
    assertEquals("    deeper", phaseLine(lines.get(4)).group(4));
    assertEquals("receive finished", phaseLine(lines.get(5)).group(4));
    for (String line : lines.subList(1, lines.size())) {
      assertEquals(barColumn(lines.get(1)), barColumn(line), line);
    }
  }

  @Test
  void longNamesAreTruncatedAndAlignmentKept() {
    String longName = "receive " + "very_long_message_name_".repeat(10);
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .durationNanos(1_234 * MS)
            .phase("send client_hello", 0, 0, MS, false)
            .phase(longName, 1, 1_000 * MS, 234 * MS, true)
            .build();

    List<String> lines = plain.render(h);

    String named = phaseLine(lines.get(2)).group(4);
    String shown =
        named.substring(2, named.length() - ("  " + ConsoleRenderer.FAILED_MARK).length());
    assertEquals(ConsoleRenderer.MAX_NAME_CHARS, shown.length(), named);
    assertTrue(shown.endsWith("..."), shown);
    assertTrue(longName.startsWith(shown.substring(0, shown.length() - 3)), shown);
    assertEquals(barColumn(lines.get(1)), barColumn(lines.get(2)));
    assertEquals("+0.00", phaseLine(lines.get(1)).group(1).trim());
    assertEquals("+1000.00", phaseLine(lines.get(2)).group(1).trim());
  }

  @Test
  void zeroLengthPhasesStillShowOneMark() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .durationNanos(10 * MS)
            .phase("at the start", 0, 0, 0, false)
            .phase("in the middle", 0, 5 * MS, 0, false)
            .phase("at the end", 0, 10 * MS, 0, false)
            .build();

    List<String> lines = plain.render(h);

    assertEquals("=" + ".".repeat(WIDTH - 1), bar(lines.get(1)));
    assertEquals(1, count(bar(lines.get(2)), '='));
    assertEquals(WIDTH / 2, bar(lines.get(2)).indexOf('='));
    assertEquals(".".repeat(WIDTH - 1) + "=", bar(lines.get(3)));
  }

  @Test
  void zeroDurationHandshakeStillRenders() {
    ConsoleHandshake h =
        ConsoleHandshake.builder().phase("send client_hello", 0, 0, 0, false).build();

    List<String> lines = plain.render(h);

    assertEquals("TLS handshake  0.0 ms  OK", lines.get(0));
    assertEquals(1, count(bar(lines.get(1)), '='));
  }

  @Test
  void phasesAfterTheHandshakeEndStillFit() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .durationNanos(50 * MS)
            .phase("send client_hello", 0, 0, 50 * MS, false)
            .phase("receive new_session_ticket", 0, 90 * MS, 10 * MS, false)
            .build();

    List<String> lines = plain.render(h);

    String handshake = bar(lines.get(1));
    assertEquals("=".repeat(WIDTH / 2) + " ".repeat(WIDTH / 2), handshake);
    String ticket = bar(lines.get(2));
    assertEquals(WIDTH, ticket.length());
    assertTrue(ticket.endsWith("="), ticket);
    assertEquals(WIDTH / 10, count(ticket, '='), ticket);
  }

  @Test
  void colorChangesOnlyEscapeCodes() {
    ConsoleRenderer colored = new ConsoleRenderer(WIDTH, true);
    for (ConsoleHandshake h : List.of(success(), failure())) {
      List<String> withColor = colored.render(h);
      List<String> without = plain.render(h);

      assertNotEquals(without, withColor);
      assertEquals(without.size(), withColor.size());
      for (int i = 0; i < without.size(); i++) {
        assertEquals(without.get(i), stripAnsi(withColor.get(i)));
      }
    }
    assertTrue(colored.render(failure()).get(0).contains("\u001b[31mFAILED"));
    assertTrue(colored.render(success()).get(0).contains("\u001b[32mOK"));
  }

  @Test
  void controlCharactersInInputDoNotBreakLines() {
    ConsoleHandshake h =
        ConsoleHandshake.builder()
            .peer("evil\u001b[2J\nhost:1")
            .phase("send\nclient_hello", 0, 0, 0, false)
            .build();

    for (String line : plain.render(h)) {
      assertFalse(line.contains("\n"), line);
      assertFalse(line.contains("\u001b"), line);
    }
  }

  @Test
  void rejectsAnEmptyBar() {
    assertThrows(IllegalArgumentException.class, () -> new ConsoleRenderer(0, false));
  }

  @Test
  void handshakeIsImmutable() {
    ConsoleHandshake.Builder b = ConsoleHandshake.builder().phase("a", -1, 0, 0, false);
    ConsoleHandshake h = b.build();
    b.phase("b", 0, 0, 0, false);

    assertEquals(1, h.phases().size());
    assertEquals(0, h.phases().get(0).depth());
    assertThrows(UnsupportedOperationException.class, () -> h.phases().clear());
  }
}
