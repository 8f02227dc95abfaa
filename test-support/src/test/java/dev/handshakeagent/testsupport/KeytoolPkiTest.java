package dev.handshakeagent.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A set is reused while fresh, and made again when a certificate nears its end or it changed. */
class KeytoolPkiTest {
  @TempDir Path tmp;

  @Test
  void aFreshSetIsReusedAsItIs() throws Exception {
    Path dir = tmp.resolve("pki");
    KeytoolPki first = threeDays().in(dir);
    byte[] ca = Files.readAllBytes(first.certificate("ca"));
    byte[] leaf = Files.readAllBytes(first.certificate("leaf"));
    KeytoolPki again = threeDays().in(dir);
    assertArrayEquals(ca, Files.readAllBytes(again.certificate("ca")));
    assertArrayEquals(leaf, Files.readAllBytes(again.certificate("leaf")));
    Duration left = Duration.between(Instant.now(), notAfter(again.certificate("leaf")));
    assertTrue(left.compareTo(KeytoolPki.MARGIN) > 0, "time left " + left);
    assertEquals(1, again.load(again.trustStore()).size());
    assertTrue(again.load(again.keyStore("leaf")).isKeyEntry("key"));
  }

  @Test
  void aCertificateWithinTheMarginOfItsEndRemakesTheSet() throws Exception {
    Path dir = tmp.resolve("pki");
    // Valid for one day: within the one-day margin as soon as it is made.
    KeytoolPki.Builder oneDay =
        KeytoolPki.withCa("CN=Test CA").signed("leaf", "EC", "CN=leaf", null, null, 1);
    KeytoolPki first = oneDay.in(dir);
    byte[] ca = Files.readAllBytes(first.certificate("ca"));
    KeytoolPki again = oneDay.in(dir);
    assertFalse(Arrays.equals(ca, Files.readAllBytes(again.certificate("ca"))), "set not remade");
  }

  @Test
  void aCertificateExpiredOnPurposeDoesNotRemakeTheSet() throws Exception {
    Path dir = tmp.resolve("pki");
    KeytoolPki.Builder expired =
        KeytoolPki.withCa("CN=Test CA").signed("old", "EC", "CN=old", null, "-400d", 30);
    KeytoolPki first = expired.in(dir);
    assertTrue(notAfter(first.certificate("old")).isBefore(Instant.now()));
    byte[] ca = Files.readAllBytes(first.certificate("ca"));
    assertArrayEquals(ca, Files.readAllBytes(expired.in(dir).certificate("ca")));
  }

  @Test
  void aChangedDeclarationRemakesTheSet() throws Exception {
    Path dir = tmp.resolve("pki");
    byte[] ca = Files.readAllBytes(threeDays().in(dir).certificate("ca"));
    KeytoolPki changed =
        KeytoolPki.withCa("CN=Test CA")
            .signed("leaf", "EC", "CN=leaf", null, null, 3)
            .selfSigned("other", "EC", "CN=other", null, 30)
            .in(dir);
    assertFalse(Arrays.equals(ca, Files.readAllBytes(changed.certificate("ca"))));
    assertTrue(Files.isRegularFile(changed.certificate("other")));
  }

  private static KeytoolPki.Builder threeDays() {
    return KeytoolPki.withCa("CN=Test CA").signed("leaf", "EC", "CN=leaf", null, null, 3);
  }

  private static Instant notAfter(Path cer) throws Exception {
    try (InputStream in = Files.newInputStream(cer)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getNotAfter()
          .toInstant();
    }
  }
}
