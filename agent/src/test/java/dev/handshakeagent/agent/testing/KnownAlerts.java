package dev.handshakeagent.agent.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

/**
 * The alerts the JDK's updates are known to send, per cause, as measured by the tests on each JDK
 * the project runs: 17.0.15, 17.0.21.1 and 25. Tests assert on the cause ({@code
 * handshake.failure_reason}) and accept exactly these alert names for it, so a new update that
 * renames an alert fails a test until it is added here, with the update that sends it.
 */
public final class KnownAlerts {
  private KnownAlerts() {}

  /** The causes whose alert differs between updates, or is worth pinning. */
  public enum Cause {
    /** The client rejects an expired server certificate. */
    CERTIFICATE_EXPIRED,
    /** The client rejects a server certificate not valid yet. */
    CERTIFICATE_NOT_YET_VALID,
    /** The client finds no trust anchor for the server's chain. */
    UNTRUSTED_CERTIFICATE,
    /** The client's endpoint identification fails. */
    HOSTNAME_MISMATCH,
    /** The server requires a client certificate, a TLS 1.3 client sends none. */
    CLIENT_CERTIFICATE_MISSING_TLS13,
    /** The server requires a client certificate, a TLS 1.2 client sends none. */
    CLIENT_CERTIFICATE_MISSING_TLS12,
    /** The server finds no trust anchor for the client's certificate. */
    CLIENT_CERTIFICATE_UNTRUSTED,
    PROTOCOL_VERSION_MISMATCH,
    CIPHER_SUITE_MISMATCH
  }

  private static final Map<Cause, Set<String>> ALERTS =
      Map.of(
          // 17.0.15: certificate_unknown; 17.0.21.1 and 25: certificate_expired.
          Cause.CERTIFICATE_EXPIRED, Set.of("certificate_unknown", "certificate_expired"),
          // 17.0.15: certificate_unknown; 17.0.21.1 and 25: bad_certificate.
          Cause.CERTIFICATE_NOT_YET_VALID, Set.of("certificate_unknown", "bad_certificate"),
          // All: certificate_unknown.
          Cause.UNTRUSTED_CERTIFICATE, Set.of("certificate_unknown"),
          Cause.HOSTNAME_MISMATCH, Set.of("certificate_unknown"),
          // 17.0.15: bad_certificate; 17.0.21.1 and 25: certificate_required.
          Cause.CLIENT_CERTIFICATE_MISSING_TLS13, Set.of("bad_certificate", "certificate_required"),
          // 17.0.15: bad_certificate; 17.0.21.1 and 25: handshake_failure.
          Cause.CLIENT_CERTIFICATE_MISSING_TLS12, Set.of("bad_certificate", "handshake_failure"),
          // All: certificate_unknown.
          Cause.CLIENT_CERTIFICATE_UNTRUSTED, Set.of("certificate_unknown"),
          Cause.PROTOCOL_VERSION_MISMATCH, Set.of("protocol_version"),
          Cause.CIPHER_SUITE_MISMATCH, Set.of("handshake_failure"));

  /** The alerts known for {@code cause}. */
  public static Set<String> of(Cause cause) {
    return ALERTS.get(cause);
  }

  /** Fails unless {@code alert} is one the JDK's updates are known to send for {@code cause}. */
  public static void assertKnown(Cause cause, String alert) {
    assertTrue(
        of(cause).contains(alert),
        "alert "
            + alert
            + " for "
            + cause
            + " on JDK "
            + Runtime.version()
            + ": known are "
            + of(cause)
            + " (a new JDK update? add it to KnownAlerts with the update that sends it)");
  }
}
