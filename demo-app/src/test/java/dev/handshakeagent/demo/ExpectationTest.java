package dev.handshakeagent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The judging rules for failures, on exception messages as JDK 17 and 25 word them. */
class ExpectationTest {
  private static Outcome failed(Exception e) {
    return Outcome.failed(e, Outcome.Stage.HANDSHAKE, null);
  }

  private static Outcome handshakeException(String message) {
    return failed(new SSLHandshakeException(message));
  }

  private static Expectation.Verdict judge(Expectation e, Outcome client, Outcome server) {
    return e.judge(Exchange.of(40_000, client, server));
  }

  @Test
  void readsTheAlertAsJdk17And25PrintIt() {
    assertEquals(
        Optional.of("certificate_unknown"),
        handshakeException("Received fatal alert: certificate_unknown").alert());
    assertEquals(
        Optional.of("certificate_expired"),
        handshakeException("(certificate_expired) PKIX path validation failed").alert());
    assertEquals(Optional.empty(), handshakeException("PKIX path building failed").alert());
    SSLHandshakeException wrapped = new SSLHandshakeException("outer");
    wrapped.initCause(new SSLHandshakeException("Received fatal alert: bad_certificate"));
    assertEquals(Optional.of("bad_certificate"), failed(wrapped).alert());
  }

  @Test
  void oneSideNamingTheAlertIsEnough() {
    // JDK 17: the side that detects the problem names no alert, its peer received it.
    Expectation.Verdict v =
        judge(
            Expectation.failed("certificate_unknown"),
            handshakeException("PKIX path building failed"),
            handshakeException("Received fatal alert: certificate_unknown"));
    assertTrue(v.pass(), v.why());
  }

  @Test
  void aSideThatLostTheConnectionOnlyHasToFail() {
    Expectation.Verdict v =
        judge(
            Expectation.failed("certificate_unknown", "certificate_expired"),
            handshakeException("PKIX path validation failed: validity check failed"),
            failed(new SocketException("Broken pipe")));
    assertTrue(v.pass(), v.why());
  }

  @Test
  void eitherJdksNameOfARenamedAlertPasses() {
    Expectation e = Expectation.failed("certificate_unknown", "certificate_expired");
    for (String alert : new String[] {"certificate_unknown", "certificate_expired"}) {
      Expectation.Verdict v =
          judge(
              e,
              handshakeException("(" + alert + ") PKIX path validation failed"),
              handshakeException("Received fatal alert: " + alert));
      assertTrue(v.pass(), v.why());
    }
    String expected =
        Runtime.version().feature() >= 25
            ? "FAILED certificate_expired"
            : "FAILED certificate_unknown";
    assertEquals(expected, e.describe());
  }

  @Test
  void anotherAlertFails() {
    Expectation.Verdict v =
        judge(
            Expectation.failed("certificate_unknown"),
            handshakeException("Received fatal alert: handshake_failure"),
            handshakeException("no cipher suites in common"));
    assertFalse(v.pass());
    assertEquals("client got alert handshake_failure, expected certificate_unknown", v.why());
  }

  @Test
  void noAlertAndNoLostConnectionFails() {
    Expectation.Verdict v =
        judge(
            Expectation.failed("protocol_version"),
            handshakeException("something else"),
            handshakeException("and something else"));
    assertFalse(v.pass());
    assertEquals("neither side named the alert protocol_version", v.why());
  }

  @Test
  void aSideThatNeverRanIsNotAnExpectedFailure() {
    Expectation.Verdict v =
        judge(
            Expectation.failed("certificate_unknown"),
            handshakeException("PKIX path building failed"),
            Outcome.notReached("no client connected"));
    assertFalse(v.pass());
  }
}
