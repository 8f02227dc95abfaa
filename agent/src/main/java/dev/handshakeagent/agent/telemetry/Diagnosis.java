package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One plain sentence that explains a failed handshake, built from what the agent saw: the alert and
 * who sent it, the exception, the phase, what each side offered or enabled, and the certificates.
 * The cause is worked out once, by {@link FailureReason}; known causes name the values that prove
 * them, anything else gets the alert and the exception message, never a guess. Runs on the export
 * thread; at most {@link #MAX_LENGTH} chars.
 */
final class Diagnosis {
  static final int MAX_LENGTH = 500;
  private static final int LIST_ITEMS = 5;

  /** What each alert means, in one clause (RFC 8446 6.2 and RFC 5246 7.2.2). */
  private static final Map<String, String> ALERT_MEANINGS =
      Map.ofEntries(
          Map.entry("handshake_failure", "it found no acceptable set of parameters in our offer"),
          Map.entry("protocol_version", "it supports none of the protocol versions we offered"),
          Map.entry("insufficient_security", "it requires stronger cipher suites than we offered"),
          Map.entry("bad_certificate", "it found our certificate corrupt or unverifiable"),
          Map.entry("unsupported_certificate", "it does not support our certificate's type"),
          Map.entry("certificate_revoked", "our certificate was revoked by its signer"),
          Map.entry("certificate_expired", "our certificate has expired or is not yet valid"),
          Map.entry("certificate_unknown", "it could not validate our certificate chain"),
          Map.entry("unknown_ca", "it does not trust the CA that issued our certificate"),
          Map.entry("access_denied", "our certificate was valid but access was refused"),
          Map.entry("certificate_required", "it requires a client certificate and got none"),
          Map.entry("decrypt_error", "a signature or the finished message did not verify"),
          Map.entry("decode_error", "a message could not be decoded"),
          Map.entry("illegal_parameter", "a field in one of our messages was out of range"),
          Map.entry("unexpected_message", "a message arrived out of order"),
          Map.entry("unrecognized_name", "it does not serve the host name we asked for (SNI)"),
          Map.entry("no_application_protocol", "it supports none of the ALPN protocols we offered"),
          Map.entry("internal_error", "it failed on its own side"),
          Map.entry("user_canceled", "it canceled the handshake"),
          Map.entry("missing_extension", "a required extension was missing from our messages"),
          Map.entry("unsupported_extension", "we sent an extension it did not ask for"),
          Map.entry("inappropriate_fallback", "it saw a protocol downgrade attempt"));

  private Diagnosis() {}

  /** The sentence for a failed or abandoned handshake; null for a successful one. */
  static String of(HandshakeRecord r, HandshakeFacts f) {
    if (r.outcome() == HandshakeRecord.Outcome.SUCCEEDED) {
      return null;
    }
    return cap(explain(r, f));
  }

  private static String explain(HandshakeRecord r, HandshakeFacts f) {
    FailureReason.Evidence evidence = FailureReason.Evidence.of(r, f);
    FailureReason reason = FailureReason.classify(evidence);
    String phase = phase(r);
    String alert = f.alertDescription;
    boolean peer = r.alertReceived();
    String message = message(r);
    switch (reason) {
      case ABANDONED:
        return "The handshake was abandoned ("
            + r.abandonReason()
            + ")"
            + (phase == null ? "" : " after " + phase)
            + ".";
      case PROTOCOL_VERSION_MISMATCH:
        // The lists are unknown for providers that negotiate natively: the generic text then.
        if (!peer && !r.isClient() && f.offeredVersions != null && f.enabledVersions != null) {
          return "The client offered "
              + only(f.offeredVersions)
              + "; this server accepts "
              + only(f.enabledVersions)
              + ".";
        }
        if (peer && r.isClient()) {
          return "The server supports none of the versions this client offered"
              + (f.offeredVersions == null ? "" : " (" + list(f.offeredVersions) + ")")
              + ": it answered protocol_version.";
        }
        break;
      case CIPHER_SUITE_MISMATCH:
        if (!r.isClient() && !peer && f.offeredCipherSuites != null) {
          return "No cipher suite in common: the client offered "
              + list(f.offeredCipherSuites)
              + "; this server enables "
              + list(f.enabledCipherSuites)
              + ".";
        }
        break;
      case HOSTNAME_MISMATCH:
        {
          X509Certificate leaf = first(f.peerChain);
          return "Host name mismatch: this client asked for "
              + quoted(HandshakeValues.serverAddress(r, f))
              + "; the certificate "
              + subject(leaf)
              + " covers "
              + list(dnsNames(leaf))
              + ".";
        }
      case CERTIFICATE_EXPIRED:
      case CERTIFICATE_NOT_YET_VALID:
        {
          String dates = validity(f.peerChain);
          if (dates != null) {
            return dates;
          }
          break;
        }
      case UNTRUSTED_CERTIFICATE:
        if (evidence.noTrustAnchor() && f.peerChain != null) {
          X509Certificate last = f.peerChain[f.peerChain.length - 1];
          return "Untrusted chain: "
              + chain(f.peerChain)
              + " ends at issuer "
              + last.getIssuerX500Principal().getName()
              + ", which is not in the trust store of this "
              + HandshakeValues.role(r)
              + ".";
        }
        break;
      case CLIENT_CERTIFICATE_MISSING:
        if (!r.isClient()) {
          return "The client sent no certificate; this server requires one"
              + (f.acceptedIssuers == null
                  ? ""
                  : " (it accepts certificates issued by " + list(f.acceptedIssuers) + ")")
              + (alert == null ? "." : " and sent " + alert + ".");
        }
        return "The server requires a client certificate and this client sent none (it had no key"
            + " for the issuers the server asked for)"
            + (alert == null ? "" : "; the server sent " + alert)
            + (r.rejectedAfterFinished() ? " after this client's Finished." : ".");
      case CLIENT_CERTIFICATE_REJECTED:
        if (r.rejectedAfterFinished() && peer && alert != null && f.localChain != null) {
          // TLS 1.3: the server checks the client's certificate only after the client's Finished.
          X509Certificate ours = f.localChain[0];
          return "The server rejected this client's certificate "
              + subject(ours)
              + " issued by "
              + ours.getIssuerX500Principal().getName()
              + " after this client's Finished: it sent "
              + alert
              + " ("
              + ALERT_MEANINGS.getOrDefault(alert, "no further reason given")
              + ").";
        }
        break;
      case NOT_TLS:
        return "The peer sent bytes that are not a TLS record"
            + (phase == null ? "" : " after " + phase)
            + " (for example plaintext HTTP sent to a TLS port).";
      case PEER_CLOSED:
        return "The peer closed the connection "
            + (phase == null ? "before any handshake message" : "after " + phase)
            + " without a TLS alert ("
            + message
            + ").";
      default:
        break;
    }
    if (peer && alert != null) {
      String meaning = ALERT_MEANINGS.getOrDefault(alert, "no further reason given");
      X509Certificate ours = first(f.localChain);
      boolean aboutOurCertificate = alert.contains("certificate") || "unknown_ca".equals(alert);
      String presented =
          aboutOurCertificate
              ? (ours == null
                  ? "; we presented no certificate"
                  : "; we presented "
                      + subject(ours)
                      + " issued by "
                      + ours.getIssuerX500Principal().getName())
              : "";
      return "The peer rejected this handshake with "
          + alert
          + ": "
          + meaning
          + presented
          + (phase == null ? "" : " (after " + phase + ")")
          + ".";
    }
    return (alert == null
            ? "Failed"
            : "Failed with " + alert + " (" + (peer ? "received" : "sent") + ")")
        + (phase == null ? "" : " in " + phase)
        + ": "
        + message;
  }

  /**
   * Revocation checking, kept apart from {@link #of}: a handshake that failed its revocation check
   * (revoked, or status undetermined), or a slow one whose time went mostly into OCSP/CRL fetches,
   * named by the certificate, the responder URLs and their timings. Null when neither applies.
   */
  static String revocation(HandshakeRecord r, long slowThresholdNanos) {
    List<Frame> fetches = new ArrayList<>();
    Frame failedCheck = null;
    for (Frame f : HandshakeValues.sorted(r.phases())) {
      if (f.isFetch()) {
        fetches.add(f);
      } else if (f.kind() == Frame.Kind.CHECK_REVOCATION && f.error() != null) {
        failedCheck = failedCheck == null ? f : failedCheck;
      }
    }
    long total = r.endNanos() - r.startNanos();
    if (r.outcome() == HandshakeRecord.Outcome.FAILED
        && failedCheck != null
        && RevocationFields.isCauseOf(failedCheck.error(), r.thrown())) {
      Object c = failedCheck.certificate();
      String who =
          c instanceof X509Certificate
              ? subject((X509Certificate) c)
                  + " (serial "
                  + RevocationFields.serial((X509Certificate) c)
                  + ")"
              : "a certificate";
      String text =
          RevocationFields.isRevoked(failedCheck.error())
              ? "The certificate " + who + " is revoked: "
              : "The revocation status of " + who + " could not be determined: ";
      return cap(text + failedCheck.error().getMessage() + fetchSummary(fetches) + ".");
    }
    if (r.outcome() != HandshakeRecord.Outcome.SUCCEEDED || total < slowThresholdNanos) {
      return null;
    }
    long inFetches = 0;
    for (Frame f : fetches) {
      inFetches += f.endNanos() - f.startNanos();
    }
    if (fetches.isEmpty() || inFetches * 2 < total) {
      return null;
    }
    return cap(
        "Slow handshake: "
            + millis(inFetches)
            + " of "
            + millis(total)
            + " went into fetching revocation status"
            + fetchSummary(fetches)
            + ".");
  }

  /** "; OCSP responder http://... timed out after 1001 ms, CRL http://... fetched in 4 ms". */
  private static String fetchSummary(List<Frame> fetches) {
    if (fetches.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (Frame f : fetches) {
      String what =
          (f.kind() == Frame.Kind.FETCH_OCSP ? "OCSP responder " : "CRL ") + f.url() + " ";
      String took = millis(f.endNanos() - f.startNanos());
      String outcome = RevocationFields.outcome(f);
      Long status = RevocationFields.status(f);
      switch (outcome) {
        case RevocationFields.OK:
          parts.add(what + "answered in " + took);
          break;
        case RevocationFields.TIMEOUT:
          parts.add(what + "timed out after " + took);
          break;
        case RevocationFields.HTTP_ERROR:
          parts.add(what + "answered HTTP " + status + " after " + took);
          break;
        case RevocationFields.CONNECTION_ERROR:
          parts.add(what + "refused the connection after " + took);
          break;
        default:
          parts.add(what + "failed after " + took + " (" + f.error().getMessage() + ")");
      }
    }
    return "; " + list(parts);
  }

  private static String millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
  }

  private static String phase(HandshakeRecord r) {
    Frame f = HandshakeValues.failedPhase(r);
    return f == null ? null : PhaseNames.spanName(f);
  }

  private static String message(HandshakeRecord r) {
    String m = r.thrown() != null ? r.thrown().getMessage() : r.failureMessage();
    if (m == null) {
      return "";
    }
    return m.replaceFirst("^\\([a-z_]+\\) ", ""); // JDK 25 and 17.0.21 prefix the alert name
  }

  private static String validity(X509Certificate[] chain) {
    if (chain == null) {
      return null;
    }
    Instant now = Instant.now();
    for (X509Certificate c : chain) {
      Instant notBefore = c.getNotBefore().toInstant();
      Instant notAfter = c.getNotAfter().toInstant();
      if (now.isAfter(notAfter)) {
        return "The certificate "
            + subject(c)
            + " expired on "
            + notAfter
            + " (valid from "
            + notBefore
            + "); the clock here says "
            + now
            + ".";
      }
      if (now.isBefore(notBefore)) {
        return "The certificate "
            + subject(c)
            + " is not valid before "
            + notBefore
            + "; the clock here says "
            + now
            + ".";
      }
    }
    return null;
  }

  private static String chain(X509Certificate[] chain) {
    List<String> subjects = new ArrayList<>();
    for (X509Certificate c : chain) {
      subjects.add(c.getSubjectX500Principal().getName());
    }
    return String.join(" \u2190 ", subjects);
  }

  private static List<String> dnsNames(X509Certificate c) {
    List<String> names = new ArrayList<>();
    if (c == null) {
      return names;
    }
    try {
      Collection<List<?>> san = c.getSubjectAlternativeNames();
      if (san != null) {
        for (List<?> entry : san) {
          if (entry.size() == 2
              && (Integer.valueOf(2).equals(entry.get(0))
                  || Integer.valueOf(7).equals(entry.get(0)))) {
            names.add(String.valueOf(entry.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no names to show
    }
    return names;
  }

  private static X509Certificate first(X509Certificate[] chain) {
    return chain == null || chain.length == 0 ? null : chain[0];
  }

  private static String subject(X509Certificate c) {
    return c == null ? "(none)" : c.getSubjectX500Principal().getName();
  }

  private static String quoted(String s) {
    return s == null ? "(unknown host)" : s;
  }

  /** "TLSv1.2 only", or a short list. */
  private static String only(List<String> l) {
    if (l == null || l.isEmpty()) {
      return "(unknown)";
    }
    return l.size() == 1 ? l.get(0) + " only" : list(l);
  }

  /** At most {@link #LIST_ITEMS} items, then "+N more". */
  private static String list(List<String> l) {
    if (l == null) {
      return "(unknown)";
    }
    if (l.isEmpty()) {
      return "none";
    }
    List<String> shown = l.size() <= LIST_ITEMS ? l : l.subList(0, LIST_ITEMS);
    String s = String.join(", ", shown);
    return l.size() <= LIST_ITEMS ? s : s + " (+" + (l.size() - LIST_ITEMS) + " more)";
  }

  private static String cap(String s) {
    String one = s.replaceAll("[\\r\\n\\t]+", " ");
    return one.length() <= MAX_LENGTH ? one : one.substring(0, MAX_LENGTH - 3) + "...";
  }
}
