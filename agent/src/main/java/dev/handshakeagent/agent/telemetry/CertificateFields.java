package dev.handshakeagent.agent.telemetry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The strings a span shows of one certificate (subject, issuer, validity, SHA-256), made once per
 * distinct certificate: a service sees the same few certificates in every handshake, while the
 * formatting (X.500 names, ISO instants, a digest) costs more than the rest of a span's attributes.
 * Keyed by the certificate's encoding (equal certificates decoded afresh per handshake share an
 * entry); at most {@value #MAX} entries, least recently used out first. Export thread only, but
 * synchronized so a caller on another thread cannot corrupt it.
 */
final class CertificateFields {
  private static final int MAX = 256;
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static final Map<X509Certificate, CertificateFields> CACHE =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<X509Certificate, CertificateFields> e) {
          return size() > MAX;
        }
      };

  final String subject;
  final String issuer;
  final String notBefore;
  final String notAfter;
  final long notAfterEpochSecond;

  /** Upper-case hex SHA-256 of the DER encoding, or null if it cannot be computed. */
  final String sha256;

  private CertificateFields(X509Certificate c) {
    subject = c.getSubjectX500Principal().getName();
    issuer = c.getIssuerX500Principal().getName();
    notBefore = c.getNotBefore().toInstant().toString();
    notAfterEpochSecond = c.getNotAfter().toInstant().getEpochSecond();
    notAfter = c.getNotAfter().toInstant().toString();
    sha256 = sha256(c);
  }

  static CertificateFields of(X509Certificate c) {
    synchronized (CACHE) {
      CertificateFields f = CACHE.get(c);
      if (f == null) {
        f = new CertificateFields(c);
        CACHE.put(c, f);
      }
      return f;
    }
  }

  private static String sha256(X509Certificate c) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
      char[] out = new char[d.length * 2];
      for (int i = 0; i < d.length; i++) {
        out[2 * i] = HEX[(d[i] >> 4) & 0xF];
        out[2 * i + 1] = HEX[d[i] & 0xF];
      }
      return new String(out);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      return null;
    }
  }
}
