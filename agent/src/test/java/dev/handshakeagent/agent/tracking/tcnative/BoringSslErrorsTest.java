package dev.handshakeagent.agent.tracking.tcnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Alerts named by BoringSSL error texts, as netty-tcnative and Conscrypt throw them. */
class BoringSslErrorsTest {

  @Test
  void aReceivedAlertIsNamedAfterItsReason() {
    BoringSslErrors.Alert a =
        BoringSslErrors.alert(
            "error:10000410:SSL routines:OPENSSL_internal:SSLV3_ALERT_HANDSHAKE_FAILURE");
    assertEquals("handshake_failure", a.description);
    assertTrue(a.received);
    BoringSslErrors.Alert b =
        BoringSslErrors.alert(
            "Read error: ssl=0x7f: Failure in SSL library, usually a protocol error\n"
                + "error:1000042e:SSL routines:OPENSSL_internal:TLSV1_ALERT_PROTOCOL_VERSION"
                + " (external/boringssl/src/ssl/tls_record.cc:592 0x7f:0x00000001)");
    assertEquals("protocol_version", b.description);
    assertTrue(b.received);
  }

  @Test
  void anUnsupportedVersionIsAProtocolVersionAlertSent() {
    BoringSslErrors.Alert a =
        BoringSslErrors.alert("error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL");
    assertEquals("protocol_version", a.description);
    assertFalse(a.received);
  }

  @Test
  void otherTextsNameNoAlert() {
    assertNull(BoringSslErrors.alert("General OpenSslEngine problem"));
    assertNull(
        BoringSslErrors.alert(
            "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"));
    assertNull(BoringSslErrors.alert(null));
  }
}
