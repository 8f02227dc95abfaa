package dev.handshakeagent.agent.telemetry;

import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CERTIFICATE_SERIAL;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CERTIFICATE_SUBJECT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.ERROR_TYPE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.FETCH_OUTCOME;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.HTTP_RESPONSE_STATUS_CODE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.URL_FULL;

import dev.handshakeagent.agent.tracking.Frame;
import io.opentelemetry.api.common.AttributesBuilder;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attributes of the revocation spans ({@code check revocation}, {@code fetch OCSP response},
 * {@code fetch CRL}) and the classification of a fetch's outcome. Runs on the export thread.
 */
final class RevocationFields {
  static final String OK = "ok";
  static final String HTTP_ERROR = "http_error";
  static final String TIMEOUT = "timeout";
  static final String CONNECTION_ERROR = "connection_error";
  static final String ERROR = "error";

  /**
   * The JDK's messages for an HTTP error status: OCSP ("Received HTTP error: 500 - ...") and
   * HttpURLConnection, which the CRL download uses ("Server returned HTTP response code: 404 ...").
   */
  private static final Pattern HTTP_STATUS =
      Pattern.compile("(?:Received HTTP error: |Server returned HTTP response code: )(\\d{3})");

  private RevocationFields() {}

  /** Adds the revocation attributes of {@code fr}, when it is a revocation frame. */
  static void put(AttributesBuilder b, Frame fr) {
    if (fr.kind() != Frame.Kind.CHECK_REVOCATION && !fr.isFetch()) {
      return;
    }
    Object c = fr.certificate();
    if (c instanceof X509Certificate) {
      X509Certificate x = (X509Certificate) c;
      b.put(CERTIFICATE_SUBJECT, x.getSubjectX500Principal().getName());
      b.put(CERTIFICATE_SERIAL, serial(x));
    }
    if (fr.kind() == Frame.Kind.CHECK_REVOCATION) {
      if (fr.error() != null) {
        b.put(ERROR_TYPE, checkErrorType(fr.error()));
      }
      return;
    }
    if (fr.url() != null) {
      b.put(URL_FULL, fr.url().toString());
    }
    String outcome = outcome(fr);
    b.put(FETCH_OUTCOME, outcome);
    Long status = status(fr);
    if (status != null) {
      b.put(HTTP_RESPONSE_STATUS_CODE, status);
    }
    if (fr.error() != null) {
      b.put(ERROR_TYPE, root(fr.error()).getClass().getName());
    }
  }

  /** {@code revoked}, {@code undetermined_revocation_status}, ... or the exception class. */
  static String checkErrorType(Throwable t) {
    if (t instanceof CertPathValidatorException) {
      CertPathValidatorException.Reason reason = ((CertPathValidatorException) t).getReason();
      if (reason instanceof Enum && reason != CertPathValidatorException.BasicReason.UNSPECIFIED) {
        return ((Enum<?>) reason).name().toLowerCase(Locale.ROOT);
      }
    }
    return t.getClass().getName();
  }

  static boolean isRevoked(Throwable t) {
    return t instanceof CertPathValidatorException
        && ((CertPathValidatorException) t).getReason()
            == CertPathValidatorException.BasicReason.REVOKED;
  }

  /**
   * Whether the revocation check's {@code error} is what failed the handshake: it, or the copy the
   * JDK's CertPathValidator rethrows (same reason and message), is in {@code thrown}'s causes.
   */
  static boolean isCauseOf(Throwable error, Throwable thrown) {
    for (Throwable c = thrown; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c == error) {
        return true;
      }
      if (c instanceof CertPathValidatorException
          && error instanceof CertPathValidatorException
          && ((CertPathValidatorException) c).getReason()
              == ((CertPathValidatorException) error).getReason()
          && Objects.equals(c.getMessage(), error.getMessage())) {
        return true;
      }
    }
    return false;
  }

  static String outcome(Frame fetch) {
    Throwable t = fetch.error();
    if (t == null) {
      return OK;
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SocketTimeoutException) {
        return TIMEOUT;
      }
      if (c instanceof ConnectException
          || c instanceof NoRouteToHostException
          || c instanceof UnknownHostException) {
        return CONNECTION_ERROR;
      }
    }
    return httpStatus(t) != null ? HTTP_ERROR : ERROR;
  }

  /** 200 for an OCSP answer (anything else throws in the JDK); an error status when reported. */
  static Long status(Frame fetch) {
    if (fetch.error() == null) {
      return fetch.kind() == Frame.Kind.FETCH_OCSP ? 200L : null;
    }
    return httpStatus(fetch.error());
  }

  private static Long httpStatus(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      Matcher matcher = m == null ? null : HTTP_STATUS.matcher(m);
      if (matcher != null && matcher.find()) {
        return Long.parseLong(matcher.group(1));
      }
    }
    return null;
  }

  private static Throwable root(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  static String serial(X509Certificate c) {
    return c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
  }
}
