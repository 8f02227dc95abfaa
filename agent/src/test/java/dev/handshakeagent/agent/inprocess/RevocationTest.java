package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.num;
import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.RevocationPki;
import dev.handshakeagent.agent.testing.RevocationPki.Leaf;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.security.cert.CertPathValidatorException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Revocation checking as the JDK does it inside the trust manager: OCSP against a real responder on
 * loopback, CRLs over loopback HTTP (and the JDK's CRL cache), a revoked certificate, a responder
 * that answers 500 and one that never answers. The revocation properties are JVM-wide, hence this
 * class of its own (surefire forks a JVM per test class).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationTest {
  static {
    // Read once when the JDK's OCSP class initializes: set before any handshake of this JVM.
    System.setProperty("com.sun.security.ocsp.timeout", "1");
    System.setProperty("com.sun.security.ocsp.readtimeout", "1");
    System.setProperty("com.sun.security.enableCRLDP", "true");
    Security.setProperty("ocsp.enable", "true");
  }

  static final String VALIDATE = "validate certificate chain";
  static final String CHECK = "check revocation";
  static final String FETCH_OCSP = "fetch OCSP response";
  static final String FETCH_CRL = "fetch CRL";

  static Path dir;
  static RevocationPki pki;
  static AgentRuntime agent;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("revocation-test");
    pki = RevocationPki.start(dir);
    agent = InProcessAgent.install("abandon.timeout=5s,slow.threshold=500ms");
  }

  @AfterAll
  static void stop() throws Exception {
    pki.close();
  }

  /** One handshake; the spans it exported. */
  static List<SpanData> run(Leaf leaf, String protocol, boolean expectFailure) throws Exception {
    InProcessAgent.reset();
    Throwable thrown = pki.handshake(leaf, protocol);
    if (expectFailure) {
      assertNotNull(thrown, "the client's handshake should have failed");
    } else {
      assertNull(thrown, () -> "client handshake failed: " + thrown);
    }
    List<SpanData> spans = InProcessAgent.spans();
    assertEquals(0, agent.suppressedErrors(), "errors swallowed by the agent's hooks");
    assertEquals(0, agent.tracker.suppressedErrors(), "errors swallowed by the tracker");
    return spans;
  }

  static List<SpanData> named(List<SpanData> spans, SpanData root, String name) {
    return Traces.descendants(spans, root).stream()
        .filter(s -> s.getName().equals(name))
        .collect(Collectors.toList());
  }

  static SpanData only(List<SpanData> spans, SpanData root, String name) {
    List<SpanData> found = named(spans, root, name);
    assertEquals(1, found.size(), () -> name + " spans: " + Traces.names(spans));
    return found.get(0);
  }

  static SpanData parent(List<SpanData> spans, SpanData child) {
    return spans.stream()
        .filter(p -> p.getSpanId().equals(child.getParentSpanId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no parent of " + child.getName()));
  }

  /** {@code inner} lies within {@code outer} in time. */
  static void assertWithin(SpanData outer, SpanData inner) {
    assertTrue(
        outer.getStartEpochNanos() <= inner.getStartEpochNanos()
            && inner.getEndEpochNanos() <= outer.getEndEpochNanos(),
        inner.getName() + " outside " + outer.getName());
  }

  static long millis(SpanData s) {
    return TimeUnit.NANOSECONDS.toMillis(s.getEndEpochNanos() - s.getStartEpochNanos());
  }

  static void assertCertificate(SpanData s, Leaf leaf) {
    assertEquals("CN=" + leaf.cn + ",O=handshake-agent", str(s, "handshake.certificate.subject"));
    assertEquals(leaf.serialHex(), str(s, "handshake.certificate.serial"));
  }

  @Order(1)
  @Test
  void crlIsFetchedOnceThenServedFromTheJdkCache() throws Exception {
    int before = pki.crlRequests();
    List<SpanData> spans = run(Leaf.CRL_ONLY, "TLSv1.3", false);
    SpanData client = Traces.root(spans, "client");
    SpanData check = only(spans, client, CHECK);
    assertEquals(VALIDATE, parent(spans, check).getName());
    assertCertificate(check, Leaf.CRL_ONLY);
    SpanData crl = only(spans, client, FETCH_CRL);
    assertEquals(check.getSpanId(), crl.getParentSpanId());
    assertWithin(check, crl);
    assertEquals(pki.crlUrl(), str(crl, "url.full"));
    assertEquals("ok", str(crl, "handshake.fetch.outcome"));
    assertCertificate(crl, Leaf.CRL_ONLY);
    assertEquals(StatusCode.UNSET, crl.getStatus().getStatusCode());
    // No OCSP URL in this certificate: the JDK's OCSP attempt makes no request, hence no span.
    assertTrue(named(spans, client, FETCH_OCSP).isEmpty(), Traces.names(spans));
    assertEquals(before + 1, pki.crlRequests());

    // Within 30 s the JDK answers from its CRL cache: the check is there, no fetch is.
    List<SpanData> again = run(Leaf.CRL_ONLY, "TLSv1.3", false);
    SpanData client2 = Traces.root(again, "client");
    only(again, client2, CHECK);
    assertTrue(named(again, client2, FETCH_CRL).isEmpty(), Traces.names(again));
    assertEquals(before + 1, pki.crlRequests());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void ocspAnswerIsAFetchUnderTheRevocationCheck(String protocol) throws Exception {
    int before = pki.ocspRequests();
    List<SpanData> spans = run(Leaf.GOOD, protocol, false);
    SpanData client = Traces.root(spans, "client");
    assertEquals(true, client.getAttributes().get(AttributeKey.booleanKey("tls.established")));
    SpanData validate = only(spans, client, VALIDATE);
    SpanData check = only(spans, client, CHECK);
    assertEquals(validate.getSpanId(), check.getParentSpanId());
    assertWithin(validate, check);
    assertCertificate(check, Leaf.GOOD);
    SpanData fetch = only(spans, client, FETCH_OCSP);
    assertEquals(check.getSpanId(), fetch.getParentSpanId());
    assertWithin(check, fetch);
    assertEquals(pki.ocspUrl(), str(fetch, "url.full"));
    assertEquals(200L, num(fetch, "http.response.status_code"));
    assertEquals("ok", str(fetch, "handshake.fetch.outcome"));
    assertCertificate(fetch, Leaf.GOOD);
    assertNull(str(fetch, "error.type"));
    assertTrue(named(spans, client, FETCH_CRL).isEmpty(), "OCSP answered: no CRL fallback");
    assertEquals(before + 1, pki.ocspRequests(), "one request reached the responder");
    // The server checks nothing (no client certificate), and no stapling in this JVM.
    assertTrue(named(spans, Traces.root(spans, "server"), CHECK).isEmpty());
    assertNull(client.getAttributes().get(AttributeKey.booleanKey("handshake.ocsp.stapled")));
  }

  @Test
  void revokedCertificateFailsTheHandshakeWithTheRevocationCause() throws Exception {
    List<SpanData> spans = run(Leaf.REVOKED, "TLSv1.3", true);
    SpanData client = Traces.root(spans, "client");
    assertEquals(StatusCode.ERROR, client.getStatus().getStatusCode());
    assertEquals(false, client.getAttributes().get(AttributeKey.booleanKey("tls.established")));
    assertEquals(VALIDATE, str(client, "handshake.failed_phase"));
    SpanData check = only(spans, client, CHECK);
    assertEquals(StatusCode.ERROR, check.getStatus().getStatusCode());
    assertEquals("revoked", str(check, "error.type"));
    assertTrue(
        check.getStatus().getDescription().contains("revoked"), check.getStatus().toString());
    SpanData fetch = only(spans, client, FETCH_OCSP);
    assertEquals("ok", str(fetch, "handshake.fetch.outcome"), "the responder answered: revoked");
    assertEquals(check.getSpanId(), fetch.getParentSpanId());
    // The cause the application saw, recorded on the root: CertPathValidatorException, REVOKED.
    EventData exception =
        client.getEvents().stream()
            .filter(e -> e.getName().equals("exception"))
            .findFirst()
            .orElseThrow();
    String trace = exception.getAttributes().get(AttributeKey.stringKey("exception.stacktrace"));
    assertTrue(
        trace.contains(CertPathValidatorException.class.getName())
            && trace.contains("Certificate has been revoked"),
        trace);
    String diagnosis = str(client, "handshake.diagnosis");
    DiagnosisTest.assertMentions(
        diagnosis,
        "CN=revoked.test,O=handshake-agent",
        "serial " + Leaf.REVOKED.serialHex(),
        "is revoked",
        pki.ocspUrl() + " answered in ");
  }

  @Test
  void silentResponderMakesASlowHandshakeAndTheDiagnosisNamesIt() throws Exception {
    List<SpanData> spans = run(Leaf.SLOW_OCSP, "TLSv1.3", false);
    SpanData client = Traces.root(spans, "client");
    SpanData fetch = only(spans, client, FETCH_OCSP);
    assertEquals(pki.hangingUrl(), str(fetch, "url.full"));
    assertEquals("timeout", str(fetch, "handshake.fetch.outcome"));
    assertEquals("java.net.SocketTimeoutException", str(fetch, "error.type"));
    assertEquals(StatusCode.ERROR, fetch.getStatus().getStatusCode());
    assertNull(num(fetch, "http.response.status_code"));
    assertTrue(millis(fetch) >= 900, "read timeout is 1 s: " + millis(fetch));
    assertCertificate(fetch, Leaf.SLOW_OCSP);
    // OCSP failed, the CRL (fetched or cached) said good: the handshake succeeded, slowly.
    assertEquals(StatusCode.UNSET, client.getStatus().getStatusCode());
    assertEquals("slow", str(client, "handshake.kept_because"));
    DiagnosisTest.assertMentions(
        str(client, "handshake.diagnosis"),
        "Slow handshake",
        "OCSP responder " + pki.hangingUrl() + " timed out after ");
  }

  @Test
  void responderAnsweringHttp500IsAnHttpErrorAndTheCrlDecides() throws Exception {
    List<SpanData> spans = run(Leaf.OCSP_500, "TLSv1.3", false);
    SpanData client = Traces.root(spans, "client");
    SpanData fetch = only(spans, client, FETCH_OCSP);
    assertEquals(pki.ocsp500Url(), str(fetch, "url.full"));
    assertEquals("http_error", str(fetch, "handshake.fetch.outcome"));
    assertEquals(500L, num(fetch, "http.response.status_code"));
    assertEquals(StatusCode.ERROR, fetch.getStatus().getStatusCode());
    assertEquals(StatusCode.UNSET, client.getStatus().getStatusCode());
    assertNull(str(client, "handshake.diagnosis"), "fast enough: nothing to explain");
  }
}
