package dev.handshakeagent.agent.inprocess;

import static dev.handshakeagent.agent.inprocess.ScenarioSpans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TestPki;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code handshake.diagnosis} for each failure case, asserted on the facts it must name (versions,
 * suites, issuers, host names) rather than on whole sentences; and the offered/enabled lists.
 */
class DiagnosisTest {
  static final AttributeKey<List<String>> CIPHERS =
      AttributeKey.stringArrayKey("tls.client.supported_ciphers");

  static String diagnosis(SpanData root) {
    String d = str(root, "handshake.diagnosis");
    assertTrue(d != null && d.length() <= 500, root.getName() + ": " + d);
    return d;
  }

  static void assertMentions(String text, String... facts) {
    for (String f : facts) {
      assertTrue(text.contains(f), "expected '" + f + "' in: " + text);
    }
  }

  @Test
  void protocolMismatchNamesBothSidesVersions() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.PROTOCOL_MISMATCH);
    assertMentions(diagnosis(o.server()), "client offered TLSv1.2 only", "accepts TLSv1.3 only");
    assertMentions(diagnosis(o.client()), "TLSv1.2", "protocol_version");
  }

  @Test
  void noSharedCipherShowsBothLists() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.NO_SHARED_CIPHER);
    assertMentions(
        diagnosis(o.server()),
        "No cipher suite in common",
        "offered TLS_AES_128_GCM_SHA256",
        "enables TLS_AES_256_GCM_SHA384");
    assertEquals(List.of("TLS_AES_128_GCM_SHA256"), o.server().getAttributes().get(CIPHERS));
  }

  @Test
  void untrustedChainNamesTheIssuerMissingFromTheTrustStore() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.UNTRUSTED_SOCKET);
    assertMentions(
        diagnosis(o.client()), "Untrusted chain", "CN=untrusted.example", "not in the trust store");
  }

  @Test
  void expiredCertificateNamesDatesAndClock() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.EXPIRED_SOCKET);
    assertMentions(
        diagnosis(o.client()),
        "CN=expired.localhost,O=handshake-agent",
        "expired on",
        "the clock here says");
  }

  @Test
  void hostnameMismatchNamesAskedAndCoveredNames() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.HOSTNAME_MISMATCH_SOCKET);
    assertTrue(o.result().client.startsWith("FAIL"), o.result().toString());
    assertMentions(diagnosis(o.client()), "asked for localhost", "wrong.example");
  }

  @Test
  void missingClientCertificateNamesTheIssuersTheServerAccepts() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.CLIENT_CERT_MISSING13);
    assertMentions(diagnosis(o.server()), "sent no certificate", TestPki.CA_DN);
  }

  @Test
  void peerRejectionSaysWhatTheAlertMeansAndWhatWePresented() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.UNTRUSTED_ENGINE);
    assertMentions(
        diagnosis(o.server()),
        "certificate_unknown",
        "could not validate our certificate chain",
        "we presented CN=untrusted.example");
  }

  @Test
  void vanishedPeerAndPlaintext() throws Exception {
    ScenarioSpans closes = ScenarioSpans.run(Scenario.PEER_CLOSES_MID_HANDSHAKE);
    assertMentions(diagnosis(closes.client()), "closed the connection", "after send client_hello");
    ScenarioSpans plaintext = ScenarioSpans.run(Scenario.PLAINTEXT_TO_SERVER);
    assertMentions(diagnosis(plaintext.server()), "not a TLS record");
  }

  @Test
  void offeredAndEnabledListsOnBothSidesAndNoDiagnosisOnSuccess() throws Exception {
    ScenarioSpans o = ScenarioSpans.run(Scenario.TLS13_SOCKET_RSA);
    for (SpanData root : List.of(o.client(), o.server())) {
      assertNull(str(root, "handshake.diagnosis"));
      assertTrue(root.getAttributes().get(CIPHERS).contains("TLS_AES_256_GCM_SHA384"));
      assertTrue(
          root.getAttributes()
              .get(AttributeKey.stringArrayKey("handshake.client.offered_versions"))
              .contains("TLSv1.3"));
    }
    SpanData server = o.server();
    assertTrue(
        server
            .getAttributes()
            .get(AttributeKey.stringArrayKey("handshake.client.offered_groups"))
            .contains("x25519"));
    assertTrue(
        server
            .getAttributes()
            .get(AttributeKey.stringArrayKey("handshake.client.offered_signature_schemes"))
            .stream()
            .anyMatch(s -> s.startsWith("rsa_pss")));
    assertTrue(
        server
            .getAttributes()
            .get(AttributeKey.stringArrayKey("handshake.server.enabled_versions"))
            .contains("TLSv1.3"));
    for (SpanData root : o.spans) {
      for (Object v : root.getAttributes().asMap().values()) {
        if (v instanceof List) {
          assertTrue(((List<?>) v).size() <= 64, root.getName() + " " + v);
        }
      }
    }
  }
}
