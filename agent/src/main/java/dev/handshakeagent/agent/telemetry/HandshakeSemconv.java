package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The naming table: every span name, metric name and attribute key the agent emits, in one place.
 *
 * <p>{@code tls.*}, {@code server.*}, {@code client.*}, {@code network.peer.*} and {@code
 * error.type} are copied from the OpenTelemetry semantic conventions v1.37.0 (the {@code tls.*}
 * group has "development" stability there). Keys starting with {@code handshake.} are the project's
 * own, for what no convention covers.
 *
 * <p>The one exception are the metric names ({@link #METRIC_DURATION}, {@link #METRIC_ACTIVE},
 * {@link #METRIC_CERTIFICATE_TIME_LEFT}): they sit in {@code tls.} because DESIGN section 3 names
 * them so, and we found no TLS metric in the semantic conventions v1.37.0 they could clash with; if
 * the conventions ever add one, these names are the ones to revisit. The certificate gauge's
 * attributes are our own ({@code handshake.certificate.*}): the conventions describe a certificate
 * only per side of a connection ({@code tls.server.*} / {@code tls.client.*}), not one certificate
 * seen by either side.
 */
public final class HandshakeSemconv {
  private HandshakeSemconv() {}

  /** Semantic-conventions version the keys below were copied from. */
  public static final String SEMCONV_VERSION = "1.37.0";

  /** Instrumentation scope name of every span. */
  public static final String SCOPE = "dev.handshakeagent";

  // ------------------------------------------------------------------ span names
  /** Root span of a client handshake, followed by " {server.address}" when known. */
  public static final String CLIENT_ROOT = "TLS client handshake";

  /** Root span of a server handshake. */
  public static final String SERVER_ROOT = "TLS server handshake";

  /** Work span: the trust manager checks the peer's chain (OCSP/CRL fetches included). */
  public static final String VALIDATE_CHAIN = "validate certificate chain";

  /** A fatal alert that ended an established connection (under its last handshake). */
  public static final String ALERT_RECEIVED = "receive alert";

  public static final String ALERT_SENT = "send alert";

  /** Phase spans are "send {message}" / "receive {message}" ({@link PhaseNames}). */
  public static final String SEND = "send";

  public static final String RECEIVE = "receive";

  // ------------------------------------------------------------------ metric names
  /** Histogram, seconds: duration of every ended handshake, by outcome. */
  public static final String METRIC_DURATION = "tls.handshake.duration";

  /** Up-down counter: handshakes started and not yet ended. */
  public static final String METRIC_ACTIVE = "tls.handshake.active";

  /** Gauge, seconds until {@code not_after}, one series per leaf certificate seen. */
  public static final String METRIC_CERTIFICATE_TIME_LEFT = "tls.certificate.time_left";

  // ------------------------------------------------------------------ semantic conventions
  /** {@code tls} (or {@code ssl} for SSLv3). */
  public static final AttributeKey<String> TLS_PROTOCOL_NAME =
      AttributeKey.stringKey("tls.protocol.name");

  /** Numeric part of the version: {@code 1.3}. */
  public static final AttributeKey<String> TLS_PROTOCOL_VERSION =
      AttributeKey.stringKey("tls.protocol.version");

  /** IANA name of the negotiated cipher suite. */
  public static final AttributeKey<String> TLS_CIPHER = AttributeKey.stringKey("tls.cipher");

  /** Named group of the key exchange. */
  public static final AttributeKey<String> TLS_CURVE = AttributeKey.stringKey("tls.curve");

  /** True when the handshake completed. */
  public static final AttributeKey<Boolean> TLS_ESTABLISHED =
      AttributeKey.booleanKey("tls.established");

  /** True when a session was resumed (TLS 1.2 session id or ticket, TLS 1.3 PSK). */
  public static final AttributeKey<Boolean> TLS_RESUMED = AttributeKey.booleanKey("tls.resumed");

  /** Negotiated ALPN protocol id. */
  public static final AttributeKey<String> TLS_NEXT_PROTOCOL =
      AttributeKey.stringKey("tls.next_protocol");

  public static final AttributeKey<String> TLS_SERVER_SUBJECT =
      AttributeKey.stringKey("tls.server.subject");
  public static final AttributeKey<String> TLS_SERVER_ISSUER =
      AttributeKey.stringKey("tls.server.issuer");
  public static final AttributeKey<String> TLS_SERVER_NOT_BEFORE =
      AttributeKey.stringKey("tls.server.not_before");
  public static final AttributeKey<String> TLS_SERVER_NOT_AFTER =
      AttributeKey.stringKey("tls.server.not_after");
  public static final AttributeKey<String> TLS_SERVER_HASH_SHA256 =
      AttributeKey.stringKey("tls.server.hash.sha256");
  public static final AttributeKey<String> TLS_CLIENT_SUBJECT =
      AttributeKey.stringKey("tls.client.subject");
  public static final AttributeKey<String> TLS_CLIENT_ISSUER =
      AttributeKey.stringKey("tls.client.issuer");
  public static final AttributeKey<String> TLS_CLIENT_NOT_BEFORE =
      AttributeKey.stringKey("tls.client.not_before");
  public static final AttributeKey<String> TLS_CLIENT_NOT_AFTER =
      AttributeKey.stringKey("tls.client.not_after");
  public static final AttributeKey<String> TLS_CLIENT_HASH_SHA256 =
      AttributeKey.stringKey("tls.client.hash.sha256");
  public static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> CLIENT_ADDRESS =
      AttributeKey.stringKey("client.address");
  public static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");
  public static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  public static final AttributeKey<Long> NETWORK_PEER_PORT =
      AttributeKey.longKey("network.peer.port");

  /** The cipher suites the client offered (IANA names). */
  public static final AttributeKey<List<String>> TLS_CLIENT_SUPPORTED_CIPHERS =
      AttributeKey.stringArrayKey("tls.client.supported_ciphers");

  /**
   * JA3 (Salesforce) of the client_hello, 32 hex digits: server roots the peer's, client roots this
   * JVM's own.
   */
  public static final AttributeKey<String> TLS_CLIENT_JA3 =
      AttributeKey.stringKey("tls.client.ja3");

  /** Low-cardinality failure class: the alert name, {@code abandoned}, or the exception class. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  // ------------------------------------------------------------------ project keys
  /** {@code client} or {@code server}. */
  public static final AttributeKey<String> ROLE = AttributeKey.stringKey("handshake.role");

  /** {@code SSLSocket} or {@code SSLEngine}. */
  public static final AttributeKey<String> API = AttributeKey.stringKey("handshake.api");

  /**
   * The TLS provider that ran the handshake: {@code SunJSSE}, {@code BCJSSE}, {@code OpenSSL}
   * (netty-tcnative), {@code Conscrypt}.
   */
  public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("handshake.provider");

  /**
   * The provider's native library flavour and version, where it has one ({@code BoringSSL
   * (netty-tcnative 2.0.84.Final)}); absent otherwise.
   */
  public static final AttributeKey<String> PROVIDER_LIBRARY =
      AttributeKey.stringKey("handshake.provider.library");

  /** Server: none/requested/required. Client: requested when a certificate_request arrived. */
  public static final AttributeKey<String> CLIENT_AUTH =
      AttributeKey.stringKey("handshake.client_auth");

  /** True when a HelloRetryRequest happened. */
  public static final AttributeKey<Boolean> HELLO_RETRY =
      AttributeKey.booleanKey("handshake.hello_retry");

  /** Alert description on failure ({@code handshake_failure}). */
  public static final AttributeKey<String> ALERT = AttributeKey.stringKey("handshake.alert");

  /** {@code local} (we sent the alert) or {@code peer} (we received it). */
  public static final AttributeKey<String> ALERT_ORIGIN =
      AttributeKey.stringKey("handshake.alert.origin");

  /** Span name of the phase the failure happened in (or after, when waiting for the peer). */
  public static final AttributeKey<String> FAILED_PHASE =
      AttributeKey.stringKey("handshake.failed_phase");

  /** Phase spans: the message's wire name (or its raw type for unknown messages). */
  public static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("handshake.message");

  /** Phase spans: {@code send} or {@code receive}. */
  public static final AttributeKey<String> DIRECTION =
      AttributeKey.stringKey("handshake.direction");

  /** Abandoned handshakes: why the agent gave up on them. */
  public static final AttributeKey<String> ABANDON_REASON =
      AttributeKey.stringKey("handshake.abandon_reason");

  /** Post-handshake phases (new_session_ticket, key_update): true. */
  public static final AttributeKey<Boolean> POST_HANDSHAKE =
      AttributeKey.booleanKey("handshake.post_handshake");

  /** Root spans: why the span was exported: {@code error}, {@code slow} or {@code sampled}. */
  public static final AttributeKey<String> KEPT_BECAUSE =
      AttributeKey.stringKey("handshake.kept_because");

  public static final String KEPT_ERROR = "error";
  public static final String KEPT_SLOW = "slow";
  public static final String KEPT_SAMPLED = "sampled";

  /** Failed roots: one sentence naming the cause and the values that prove it. */
  public static final AttributeKey<String> DIAGNOSIS =
      AttributeKey.stringKey("handshake.diagnosis");

  /**
   * Failed roots and the {@code tls.handshake.duration} metric on failure: the cause, one of a
   * closed set ({@link FailureReason}: {@code certificate_expired}, {@code hostname_mismatch},
   * {@code client_certificate_missing}, ..., {@code other}), the same on every JDK update.
   */
  public static final AttributeKey<String> FAILURE_REASON =
      AttributeKey.stringKey("handshake.failure_reason");

  /** The protocol versions the client offered ({@code TLSv1.3}). */
  public static final AttributeKey<List<String>> OFFERED_VERSIONS =
      AttributeKey.stringArrayKey("handshake.client.offered_versions");

  /** Server side: the named groups the client offered. */
  public static final AttributeKey<List<String>> OFFERED_GROUPS =
      AttributeKey.stringArrayKey("handshake.client.offered_groups");

  /** Server side: the signature schemes the client offered. */
  public static final AttributeKey<List<String>> OFFERED_SIGNATURE_SCHEMES =
      AttributeKey.stringArrayKey("handshake.client.offered_signature_schemes");

  /**
   * JA4 (FoxIO's TLS client fingerprint, {@code t13d1516h2_8daaf6152771_e5627efa2ab1}) of the
   * client_hello: server roots the peer's, client roots this JVM's own.
   */
  public static final AttributeKey<String> CLIENT_JA4 =
      AttributeKey.stringKey("handshake.client.ja4");

  /** Server side: the protocol versions this server has enabled. */
  public static final AttributeKey<List<String>> ENABLED_VERSIONS =
      AttributeKey.stringArrayKey("handshake.server.enabled_versions");

  /** Server side: the cipher suites this server has enabled. */
  public static final AttributeKey<List<String>> ENABLED_CIPHERS =
      AttributeKey.stringArrayKey("handshake.server.enabled_ciphers");

  /** Longest list an offered/enabled attribute carries; the rest is counted in a last entry. */
  public static final int MAX_LIST = 64;

  /**
   * Certificate gauge: the leaf certificate's subject (RFC 2253); revocation spans: the subject of
   * the certificate whose status was checked or fetched.
   */
  public static final AttributeKey<String> CERTIFICATE_SUBJECT =
      AttributeKey.stringKey("handshake.certificate.subject");

  /** Certificate gauge: the leaf certificate's issuer (RFC 2253). */
  public static final AttributeKey<String> CERTIFICATE_ISSUER =
      AttributeKey.stringKey("handshake.certificate.issuer");

  /** Certificate gauge: SHA-256 of the leaf certificate, upper-case hex. */
  public static final AttributeKey<String> CERTIFICATE_HASH_SHA256 =
      AttributeKey.stringKey("handshake.certificate.hash.sha256");

  /** Certificate gauge: {@code local} (this side presented it) or {@code peer} (received). */
  public static final AttributeKey<String> CERTIFICATE_SOURCE =
      AttributeKey.stringKey("handshake.certificate.source");

  /** {@code error.type} of a handshake that never finished. */
  public static final String ABANDONED = "abandoned";

  // ------------------------------------------------------------------ revocation checking
  /** Work span under {@link #VALIDATE_CHAIN}: the PKIX revocation check of one certificate. */
  public static final String CHECK_REVOCATION = "check revocation";

  /** Under {@link #CHECK_REVOCATION}: one OCSP request to the certificate's responder. */
  public static final String FETCH_OCSP = "fetch OCSP response";

  /** Under {@link #CHECK_REVOCATION}: one CRL download (answers from the JDK's cache: no span). */
  public static final String FETCH_CRL = "fetch CRL";

  /** Fetch spans (semantic conventions): the responder or distribution point URI. */
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");

  /**
   * Fetch spans (semantic conventions): the HTTP status, when known: 200 for an OCSP answer (the
   * JDK rejects any other), the error status the JDK reported otherwise.
   */
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");

  /**
   * Fetch spans: {@code ok}, {@code http_error}, {@code timeout}, {@code connection_error} or
   * {@code error} (any other failure; {@code error.type} has the exception class).
   */
  public static final AttributeKey<String> FETCH_OUTCOME =
      AttributeKey.stringKey("handshake.fetch.outcome");

  /** Revocation spans: that certificate's serial number, upper-case hex. */
  public static final AttributeKey<String> CERTIFICATE_SERIAL =
      AttributeKey.stringKey("handshake.certificate.serial");

  /** Client roots: true when the server stapled an OCSP response (status_request). */
  public static final AttributeKey<Boolean> OCSP_STAPLED =
      AttributeKey.booleanKey("handshake.ocsp.stapled");
}
