package dev.handshakeagent.agent.jdk;

import java.util.Arrays;
import java.util.List;

/**
 * The rows of the {@link JdkModel} for the JDK's own provider, SunJSSE ({@code sun.security.ssl},
 * the TLS 1.3 rewrite of JDK 11), and the JDK classes its failures' texts come from. Names that
 * must be compile-time constants (annotations, {@code case} labels) are {@code String} constants;
 * everything else reads the rows.
 */
public final class SunJsse {
  private SunJsse() {}

  public static final String PROVIDER = "SunJSSE";

  /** JDK builds every row was verified on, with {@code javap} and the test suite. */
  public static final String VERIFIED = "17.0.15, 17.0.21.1, 25.0.3";

  /** The package the agent instruments and opens to itself. */
  public static final String PACKAGE = "sun.security.ssl";

  private static final String PKG = PACKAGE + ".";

  // ------------------------------------------------------------------ classes

  public static final String HANDSHAKE_CONTEXT = PKG + "HandshakeContext";
  public static final String POST_HANDSHAKE_CONTEXT = PKG + "PostHandshakeContext";
  public static final String TRANSPORT_CONTEXT = PKG + "TransportContext";
  public static final String SSL_HANDSHAKE = PKG + "SSLHandshake";
  public static final String HANDSHAKE_MESSAGE = PKG + "SSLHandshake$HandshakeMessage";
  public static final String HANDSHAKE_OUT_STREAM = PKG + "HandshakeOutStream";
  public static final String SSL_TRANSPORT = PKG + "SSLTransport";
  public static final String SSL_ENGINE_IMPL = PKG + "SSLEngineImpl";
  public static final String HANDSHAKE_PRODUCER = PKG + "HandshakeProducer";
  public static final String SSL_PRODUCER = PKG + "SSLProducer";
  public static final String CCS_CONSUMER = PKG + "ChangeCipherSpec$T10ChangeCipherSpecConsumer";
  public static final String T12_CERT_CONSUMER = PKG + "CertificateMessage$T12CertificateConsumer";
  public static final String T13_CERT_CONSUMER = PKG + "CertificateMessage$T13CertificateConsumer";
  private static final String SSL_CONFIGURATION = PKG + "SSLConfiguration";
  private static final String PROTOCOL_VERSION = PKG + "ProtocolVersion";
  private static final String CIPHER_SUITE = PKG + "CipherSuite";
  private static final String NAMED_GROUP = PKG + "NamedGroup";
  private static final String SIGNATURE_SCHEME = PKG + "SignatureScheme";
  private static final String CLIENT_AUTH_TYPE = PKG + "ClientAuthType";

  private static final String L_CONNECTION_CONTEXT = "Lsun/security/ssl/ConnectionContext;";
  private static final String L_HANDSHAKE_MESSAGE =
      "Lsun/security/ssl/SSLHandshake$HandshakeMessage;";
  private static final String L_TRANSPORT_CONTEXT = "Lsun/security/ssl/TransportContext;";
  private static final String L_STRING = "Ljava/lang/String;";
  private static final String L_LIST = "Ljava/util/List;";

  /** Read by the failure advice as {@code @Advice.FieldValue}: set once the connection failed. */
  public static final String CLOSE_REASON = "closeReason";

  /** {@code ClientAuthType} constants, as {@code case} labels. */
  public static final String CLIENT_AUTH_REQUIRED = "CLIENT_AUTH_REQUIRED";

  public static final String CLIENT_AUTH_REQUESTED = "CLIENT_AUTH_REQUESTED";

  /** Prefixes of {@code nameOf(int)} for an id the JDK does not know. */
  public static final String UNKNOWN_ID_PREFIX = "UNKNOWN";

  public static final String UNDEFINED_ID_PREFIX = "UNDEFINED";

  // ------------------------------------------------------------------ CORE

  public static final JdkRow START =
      method(
          HANDSHAKE_CONTEXT,
          "<init>",
          "(Lsun/security/ssl/SSLContextImpl;" + L_TRANSPORT_CONTEXT + ")V",
          "hook: handshake start (client and server)",
          Feature.CORE);
  public static final JdkRow FINISH =
      method(
          TRANSPORT_CONTEXT,
          "finishHandshake",
          "()Ljavax/net/ssl/SSLEngineResult$HandshakeStatus;",
          "hook: handshake success",
          Feature.CORE);
  public static final JdkRow HC_CON_CONTEXT =
      field(
          HANDSHAKE_CONTEXT,
          "conContext",
          L_TRANSPORT_CONTEXT,
          "connection of a handshake",
          Feature.CORE);
  public static final JdkRow HC_SSL_CONFIG =
      field(
          HANDSHAKE_CONTEXT,
          "sslConfig",
          "Lsun/security/ssl/SSLConfiguration;",
          "client or server side",
          Feature.CORE);
  public static final JdkRow TC_TRANSPORT =
      field(
          TRANSPORT_CONTEXT,
          "transport",
          "Lsun/security/ssl/SSLTransport;",
          "the application's SSLSocket or SSLEngine",
          Feature.CORE);
  public static final JdkRow TC_HANDSHAKE_CONTEXT =
      field(
          TRANSPORT_CONTEXT,
          "handshakeContext",
          "Lsun/security/ssl/HandshakeContext;",
          "the handshake of a connection",
          Feature.CORE);
  public static final JdkRow TC_CON_SESSION =
      field(
          TRANSPORT_CONTEXT,
          "conSession",
          "Lsun/security/ssl/SSLSessionImpl;",
          "session of a finished handshake (certificates)",
          Feature.CORE);
  public static final JdkRow CFG_IS_CLIENT_MODE =
      field(SSL_CONFIGURATION, "isClientMode", "Z", "client or server side", Feature.CORE);
  public static final JdkRow HC_NEGOTIATED_PROTOCOL =
      field(
          HANDSHAKE_CONTEXT,
          "negotiatedProtocol",
          "Lsun/security/ssl/ProtocolVersion;",
          "protocol version",
          Feature.CORE);
  public static final JdkRow HC_NEGOTIATED_CIPHER_SUITE =
      field(
          HANDSHAKE_CONTEXT,
          "negotiatedCipherSuite",
          "Lsun/security/ssl/CipherSuite;",
          "cipher suite",
          Feature.CORE);
  public static final JdkRow PROTOCOL_NAME =
      field(PROTOCOL_VERSION, "name", L_STRING, "protocol version name", Feature.CORE);
  public static final JdkRow CIPHER_SUITE_NAME =
      field(CIPHER_SUITE, "name", L_STRING, "IANA cipher suite name", Feature.CORE);
  public static final JdkRow NULL_CIPHER_SUITE =
      string(
          CIPHER_SUITE,
          "SSL_NULL_WITH_NULL_NULL",
          "the placeholder suite before one is negotiated (not reported)",
          Feature.CORE);

  // ------------------------------------------------------------------ FAILURE

  public static final JdkRow FATAL =
      method(
          TRANSPORT_CONTEXT,
          "fatal",
          "(Lsun/security/ssl/Alert;Ljava/lang/String;ZLjava/lang/Throwable;)"
              + "Ljavax/net/ssl/SSLException;",
          "hook: handshake failure, first fatal alert sent or received",
          Feature.FAILURE);
  public static final JdkRow TC_CLOSE_REASON =
      field(
          TRANSPORT_CONTEXT,
          CLOSE_REASON,
          "Ljava/lang/Exception;",
          "failure hook: only the first fatal() counts; close hook: a failing connection",
          Feature.FAILURE,
          Feature.CLOSE);
  public static final JdkRow TC_IS_NEGOTIATED =
      field(
          TRANSPORT_CONTEXT,
          "isNegotiated",
          "Z",
          "alert after the handshake, or on a connection opened before attach",
          Feature.FAILURE);
  public static final JdkRow TC_SSL_CONFIG =
      field(
          TRANSPORT_CONTEXT,
          "sslConfig",
          "Lsun/security/ssl/SSLConfiguration;",
          "side of a failure before any handshake context",
          Feature.FAILURE);
  public static final JdkRow HC_HANDSHAKE_SESSION =
      field(
          HANDSHAKE_CONTEXT,
          "handshakeSession",
          "Lsun/security/ssl/SSLSessionImpl;",
          "session of a failed handshake (certificates so far)",
          Feature.FAILURE);
  public static final JdkRow ALERT_DESCRIPTION =
      field(PKG + "Alert", "description", L_STRING, "alert name (error.type)", Feature.FAILURE);

  // ------------------------------------------------------------------ PHASES

  public static final JdkRow POST_START =
      method(
          HANDSHAKE_CONTEXT,
          "<init>",
          "(" + L_TRANSPORT_CONTEXT + ")V",
          "hook: post-handshake context (TLS 1.3 new_session_ticket, key_update)",
          Feature.PHASES);
  public static final JdkRow CONSUME =
      method(
          HANDSHAKE_CONTEXT,
          "dispatch",
          "(BLjava/nio/ByteBuffer;)V",
          "hook: every inbound handshake message consumed",
          Feature.PHASES);
  public static final JdkRow POST_CONSUME =
      method(
          POST_HANDSHAKE_CONTEXT,
          "dispatch",
          "(BLjava/nio/ByteBuffer;)V",
          "hook: post-handshake messages consumed (new_session_ticket, key_update)",
          Feature.PHASES);
  public static final JdkRow WRITE =
      method(
          HANDSHAKE_MESSAGE,
          "write",
          "(Lsun/security/ssl/HandshakeOutStream;)V",
          "hook: outbound message serialized (names the producer frame)",
          Feature.PHASES);

  /** One representative; the producer matcher covers every implementor. */
  public static final JdkRow PRODUCE =
      method(
          SSL_HANDSHAKE,
          "produce",
          "(" + L_CONNECTION_CONTEXT + L_HANDSHAKE_MESSAGE + ")[B",
          "hook: outbound message produced (all HandshakeProducer implementors)",
          Feature.PHASES);

  /** One representative; the producer matcher covers every implementor. */
  public static final JdkRow KICKSTART =
      method(
          PKG + "ClientHello$ClientHelloKickstartProducer",
          "produce",
          "(" + L_CONNECTION_CONTEXT + ")[B",
          "hook: outbound message produced (all SSLProducer implementors, first client_hello)",
          Feature.PHASES);

  public static final JdkRow HANDSHAKE_PRODUCER_TYPE =
      type(HANDSHAKE_PRODUCER, "producer matcher: implementors are hooked", Feature.PHASES);
  public static final JdkRow SSL_PRODUCER_TYPE =
      type(SSL_PRODUCER, "producer matcher: implementors are hooked", Feature.PHASES);
  public static final JdkRow CCS_CONSUME =
      method(
          CCS_CONSUMER,
          "consume",
          "(" + L_CONNECTION_CONTEXT + "Ljava/nio/ByteBuffer;)V",
          "hook: TLS 1.2 change_cipher_spec received",
          Feature.PHASES);
  public static final JdkRow MSG_HANDSHAKE_CONTEXT =
      field(
          HANDSHAKE_MESSAGE,
          "handshakeContext",
          "Lsun/security/ssl/HandshakeContext;",
          "handshake of a written message",
          Feature.PHASES);
  public static final JdkRow MSG_HANDSHAKE_TYPE =
      method(
          HANDSHAKE_MESSAGE,
          "handshakeType",
          "()Lsun/security/ssl/SSLHandshake;",
          "names a producer frame",
          Feature.PHASES);
  public static final JdkRow OUT_STREAM_COMPLETE =
      method(
          HANDSHAKE_OUT_STREAM,
          "complete",
          "()V",
          "hook: outbound message serialized, bytes still buffered (the client's own client_hello)",
          Feature.FINGERPRINT);
  public static final JdkRow CLIENT_HELLO =
      field(
          SSL_HANDSHAKE,
          "CLIENT_HELLO",
          "Lsun/security/ssl/SSLHandshake;",
          "tells the client's own client_hello among the messages written",
          Feature.FINGERPRINT);
  public static final JdkRow HC_HANDSHAKE_OUTPUT =
      field(
          HANDSHAKE_CONTEXT,
          "handshakeOutput",
          "Lsun/security/ssl/HandshakeOutStream;",
          "tells the real message stream from scratch streams (PSK binders)",
          Feature.PHASES);
  public static final JdkRow CCS_PRODUCER =
      type(
          PKG + "ChangeCipherSpec$T10ChangeCipherSpecProducer",
          "producer whose message bypasses HandshakeMessage.write",
          Feature.PHASES);
  public static final JdkRow KEY_UPDATE_PRODUCER =
      type(
          PKG + "KeyUpdate$KeyUpdateProducer",
          "producer whose message bypasses HandshakeMessage.write",
          Feature.PHASES);

  /** Not a handshake message: its own record type, named as SunJSSE's {@code ContentType}. */
  public static final JdkRow CHANGE_CIPHER_SPEC =
      field(
          PKG + "ContentType",
          "CHANGE_CIPHER_SPEC",
          "Lsun/security/ssl/ContentType;",
          "message name of the change_cipher_spec frames",
          Feature.PHASES);

  public static final JdkRow KEY_UPDATE =
      field(
          SSL_HANDSHAKE,
          "KEY_UPDATE",
          "Lsun/security/ssl/SSLHandshake;",
          "message name of the key_update producer frame",
          Feature.PHASES);

  // ------------------------------------------------------------------ TRUST

  public static final JdkRow T12_SERVER_CERTS =
      method(
          T12_CERT_CONSUMER,
          "checkServerCerts",
          "(Lsun/security/ssl/ClientHandshakeContext;[Ljava/security/cert/X509Certificate;)V",
          "hook: TLS 1.2 client validates the server chain",
          Feature.TRUST);
  public static final JdkRow T12_CLIENT_CERTS =
      method(
          T12_CERT_CONSUMER,
          "checkClientCerts",
          "(Lsun/security/ssl/ServerHandshakeContext;[Ljava/security/cert/X509Certificate;)V",
          "hook: TLS 1.2 server validates the client chain",
          Feature.TRUST);
  public static final JdkRow T13_SERVER_CERTS =
      method(
          T13_CERT_CONSUMER,
          "checkServerCerts",
          "(Lsun/security/ssl/ClientHandshakeContext;"
              + L_LIST
              + ")"
              + "[Ljava/security/cert/X509Certificate;",
          "hook: TLS 1.3 client validates the server chain",
          Feature.TRUST);
  public static final JdkRow T13_CLIENT_CERTS =
      method(
          T13_CERT_CONSUMER,
          "checkClientCerts",
          "(Lsun/security/ssl/ServerHandshakeContext;"
              + L_LIST
              + ")"
              + "[Ljava/security/cert/X509Certificate;",
          "hook: TLS 1.3 server validates the client chain",
          Feature.TRUST);
  public static final JdkRow CERTIFICATE_ENTRY_ENCODED =
      field(
          PKG + "CertificateMessage$CertificateEntry",
          "encoded",
          "[B",
          "a TLS 1.3 chain rejected before it was decoded",
          Feature.TRUST);

  // ------------------------------------------------------------------ CLOSE

  public static final JdkRow CLOSE_INBOUND =
      method(
          TRANSPORT_CONTEXT,
          "closeInbound",
          "()V",
          "hook: application closes during a handshake",
          Feature.CLOSE);
  public static final JdkRow CLOSE_OUTBOUND =
      method(
          TRANSPORT_CONTEXT,
          "closeOutbound",
          "()V",
          "hook: application closes during a handshake",
          Feature.CLOSE);

  // ------------------------------------------------------------------ facts

  // ------------------------------------------------------------------ REJECTION

  public static final JdkRow DECODE =
      method(
          SSL_TRANSPORT,
          "decode",
          "("
              + L_TRANSPORT_CONTEXT
              + "[Ljava/nio/ByteBuffer;II[Ljava/nio/ByteBuffer;II)Lsun/security/ssl/Plaintext;",
          "hook: records read (the server's first application data ends a held client's wait)",
          Feature.REJECTION);
  public static final JdkRow PLAINTEXT_CONTENT_TYPE =
      field(PKG + "Plaintext", "contentType", "B", "tells application data", Feature.REJECTION);
  public static final JdkRow HC_CERT_REQUEST_CONTEXT =
      field(
          HANDSHAKE_CONTEXT,
          "certRequestContext",
          "[B",
          "set by a TLS 1.3 certificate_request: the client is held for the verdict",
          Feature.REJECTION);

  public static final JdkRow HC_SERVER_SELECTED_NAMED_GROUP =
      field(
          HANDSHAKE_CONTEXT,
          "serverSelectedNamedGroup",
          "Lsun/security/ssl/NamedGroup;",
          "group chosen by a HelloRetryRequest",
          Feature.NAMED_GROUP);
  public static final JdkRow HC_HANDSHAKE_CREDENTIALS =
      field(
          HANDSHAKE_CONTEXT,
          "handshakeCredentials",
          L_LIST,
          "peer's key share",
          Feature.NAMED_GROUP);
  public static final JdkRow HC_HANDSHAKE_POSSESSIONS =
      field(
          HANDSHAKE_CONTEXT, "handshakePossessions", L_LIST, "own key share", Feature.NAMED_GROUP);
  public static final JdkRow NAMED_GROUP_NAME =
      field(NAMED_GROUP, "name", L_STRING, "named group name", Feature.NAMED_GROUP);
  public static final JdkRow POSSESSION_TYPE =
      type(PKG + "NamedGroupPossession", "own key share of a group", Feature.NAMED_GROUP);
  public static final JdkRow CREDENTIALS_TYPE =
      type(PKG + "NamedGroupCredentials", "peer's key share of a group", Feature.NAMED_GROUP);
  public static final JdkRow POSSESSION_NAMED_GROUP =
      method(
          PKG + "NamedGroupPossession",
          "getNamedGroup",
          "()Lsun/security/ssl/NamedGroup;",
          "group of an own key share",
          Feature.NAMED_GROUP);
  public static final JdkRow CREDENTIALS_NAMED_GROUP =
      method(
          PKG + "NamedGroupCredentials",
          "getNamedGroup",
          "()Lsun/security/ssl/NamedGroup;",
          "group of the peer's key share",
          Feature.NAMED_GROUP);
  public static final JdkRow HC_APPLICATION_PROTOCOL =
      field(HANDSHAKE_CONTEXT, "applicationProtocol", L_STRING, "ALPN result", Feature.ALPN);
  public static final JdkRow TC_APPLICATION_PROTOCOL =
      field(
          TRANSPORT_CONTEXT,
          "applicationProtocol",
          L_STRING,
          "ALPN result after the handshake context is gone",
          Feature.ALPN);
  public static final JdkRow HC_REQUESTED_SERVER_NAMES =
      field(
          HANDSHAKE_CONTEXT, "requestedServerNames", L_LIST, "SNI host name", Feature.SERVER_NAME);
  public static final JdkRow HC_IS_RESUMPTION =
      field(HANDSHAKE_CONTEXT, "isResumption", "Z", "resumed session", Feature.RESUMPTION);
  public static final JdkRow CFG_CLIENT_AUTH_TYPE =
      field(
          SSL_CONFIGURATION,
          "clientAuthType",
          "Lsun/security/ssl/ClientAuthType;",
          "server's client authentication",
          Feature.CLIENT_AUTH);
  public static final JdkRow CLIENT_AUTH_REQUIRED_CONSTANT =
      field(
          CLIENT_AUTH_TYPE,
          CLIENT_AUTH_REQUIRED,
          "Lsun/security/ssl/ClientAuthType;",
          "client certificate required",
          Feature.CLIENT_AUTH);
  public static final JdkRow CLIENT_AUTH_REQUESTED_CONSTANT =
      field(
          CLIENT_AUTH_TYPE,
          CLIENT_AUTH_REQUESTED,
          "Lsun/security/ssl/ClientAuthType;",
          "client certificate requested",
          Feature.CLIENT_AUTH);
  public static final JdkRow HC_ACTIVE_PROTOCOLS =
      field(
          HANDSHAKE_CONTEXT,
          "activeProtocols",
          L_LIST,
          "versions enabled (server) or offered (client)",
          Feature.CONFIGURED);
  public static final JdkRow HC_ACTIVE_CIPHER_SUITES =
      field(
          HANDSHAKE_CONTEXT,
          "activeCipherSuites",
          L_LIST,
          "suites enabled (server) or offered (client)",
          Feature.CONFIGURED);
  public static final JdkRow HC_SSL_CONTEXT =
      field(
          HANDSHAKE_CONTEXT,
          "sslContext",
          "Lsun/security/ssl/SSLContextImpl;",
          "server's trust manager",
          Feature.CONFIGURED);
  public static final JdkRow CONTEXT_TRUST_MANAGER =
      method(
          PKG + "SSLContextImpl",
          "getX509TrustManager",
          "()Ljavax/net/ssl/X509TrustManager;",
          "server's accepted issuers",
          Feature.CONFIGURED);
  public static final JdkRow CIPHER_SUITE_NAME_OF =
      method(CIPHER_SUITE, "nameOf", "(I)" + L_STRING, "offered suite id to name", Feature.OFFERED);
  public static final JdkRow NAMED_GROUP_NAME_OF =
      method(NAMED_GROUP, "nameOf", "(I)" + L_STRING, "offered group id to name", Feature.OFFERED);
  public static final JdkRow SIGNATURE_SCHEME_NAME_OF =
      method(
          SIGNATURE_SCHEME,
          "nameOf",
          "(I)" + L_STRING,
          "offered signature scheme id to name",
          Feature.OFFERED);
  public static final JdkRow PROTOCOL_NAME_OF =
      method(
          PROTOCOL_VERSION,
          "nameOf",
          "(I)" + L_STRING,
          "offered version id to name",
          Feature.OFFERED);
  public static final JdkRow UNKNOWN_CIPHER_SUITE =
      string(
          CIPHER_SUITE,
          UNKNOWN_ID_PREFIX + "-CIPHER-SUITE(",
          "nameOf for an unknown id: shown as hex instead",
          Feature.OFFERED);
  public static final JdkRow UNDEFINED_NAMED_GROUP =
      string(
          NAMED_GROUP,
          UNDEFINED_ID_PREFIX + "-NAMED-GROUP(",
          "nameOf for an unknown id: shown as hex instead",
          Feature.OFFERED);
  public static final JdkRow UNDEFINED_SIGNATURE =
      string(
          SIGNATURE_SCHEME,
          UNDEFINED_ID_PREFIX + "-SIGNATURE(",
          "nameOf for an unknown id: shown as hex instead",
          Feature.OFFERED);
  public static final JdkRow SOCKET_PEER_HOST =
      field(
          PKG + "SSLSocketImpl",
          "peerHost",
          L_STRING,
          "host an SSLSocket was created for",
          Feature.PEER_HOST);

  /** The constructor every {@code SSLEngineImpl} runs (the one-argument one delegates to it). */
  public static final JdkRow ENGINE_CREATED =
      method(
          SSL_ENGINE_IMPL,
          "<init>",
          "(Lsun/security/ssl/SSLContextImpl;" + L_STRING + "I)V",
          "hook: the application's span where an SSLEngine is made",
          Feature.ENGINE_PARENT);

  // ------------------------------------------------------------------ DIAGNOSIS (texts)

  public static final JdkRow NO_CIPHER_SUITES_IN_COMMON =
      string(
          PKG + "ServerHello$T12ServerHelloProducer",
          "no cipher suites in common",
          "explains a failed suite negotiation",
          Feature.DIAGNOSIS);
  public static final JdkRow NO_SUBJECT_ALTERNATIVE =
      string(
          "sun.security.util.HostnameChecker",
          "No subject alternative",
          "explains a host name mismatch",
          Feature.DIAGNOSIS);
  public static final JdkRow NO_NAME_MATCHING =
      string(
          "sun.security.util.HostnameChecker",
          "No name matching",
          "explains a host name mismatch",
          Feature.DIAGNOSIS);

  /** BasicChecker builds "validity check failed" from these two constants. */
  public static final JdkRow VALIDITY =
      string(
          "sun.security.provider.certpath.BasicChecker",
          "validity",
          "explains an expired chain",
          Feature.DIAGNOSIS);

  public static final JdkRow CHECK_FAILED =
      string(
          "sun.security.provider.certpath.BasicChecker",
          " check failed",
          "explains an expired chain",
          Feature.DIAGNOSIS);
  public static final JdkRow PKIX_PATH_BUILDING_FAILED =
      string(
          "sun.security.validator.PKIXValidator",
          "PKIX path building failed",
          "explains an untrusted chain",
          Feature.DIAGNOSIS);
  public static final JdkRow EMPTY_CLIENT_CHAIN_T12 =
      string(
          T12_CERT_CONSUMER,
          "Empty client certificate chain",
          "explains a missing client certificate (TLS 1.2)",
          Feature.DIAGNOSIS);
  public static final JdkRow EMPTY_CLIENT_CHAIN_T13 =
      string(
          T13_CERT_CONSUMER,
          "Empty client certificate chain",
          "explains a missing client certificate (TLS 1.3)",
          Feature.DIAGNOSIS);
  public static final JdkRow NOT_A_TLS_RECORD_SOCKET =
      string(
          PKG + "SSLSocketInputRecord",
          "Unsupported or unrecognized SSL message",
          "explains plaintext sent to a TLS port (SSLSocket)",
          Feature.DIAGNOSIS);
  public static final JdkRow NOT_A_TLS_RECORD_ENGINE =
      string(
          PKG + "SSLEngineInputRecord",
          "Unsupported or unrecognized SSL message",
          "explains plaintext sent to a TLS port (SSLEngine)",
          Feature.DIAGNOSIS);
  public static final JdkRow PLAINTEXT_CONNECTION =
      string(
          PKG + "SSLSocketInputRecord",
          "plaintext connection?",
          "explains plaintext sent to a TLS port (an SSLv2-looking record)",
          Feature.DIAGNOSIS);
  public static final JdkRow NO_TRUST_ANCHOR =
      string(
          "sun.security.validator.ValidatorException",
          "No trusted certificate found",
          "explains an untrusted chain (the validator's own text)",
          Feature.DIAGNOSIS);
  public static final JdkRow REMOTE_HOST_TERMINATED =
      string(
          PKG + "SSLSocketImpl",
          "Remote host terminated the handshake",
          "explains a peer that closed without an alert",
          Feature.DIAGNOSIS);
  public static final JdkRow CONNECTION_RESET =
      string(
          "sun.nio.ch.NioSocketImpl",
          "Connection reset",
          "explains a peer that reset the connection",
          Feature.DIAGNOSIS);

  /** "validity check failed", as the JDK's BasicChecker writes it. */
  public static final String VALIDITY_CHECK_FAILED = VALIDITY.name + CHECK_FAILED.name;

  /** Every row, grouped by feature as above. */
  static List<JdkRow> rows() {
    return List.of(
        START,
        FINISH,
        HC_CON_CONTEXT,
        HC_SSL_CONFIG,
        TC_TRANSPORT,
        TC_HANDSHAKE_CONTEXT,
        TC_CON_SESSION,
        CFG_IS_CLIENT_MODE,
        HC_NEGOTIATED_PROTOCOL,
        HC_NEGOTIATED_CIPHER_SUITE,
        PROTOCOL_NAME,
        CIPHER_SUITE_NAME,
        NULL_CIPHER_SUITE,
        FATAL,
        TC_CLOSE_REASON,
        TC_IS_NEGOTIATED,
        TC_SSL_CONFIG,
        HC_HANDSHAKE_SESSION,
        ALERT_DESCRIPTION,
        POST_START,
        CONSUME,
        POST_CONSUME,
        WRITE,
        PRODUCE,
        KICKSTART,
        HANDSHAKE_PRODUCER_TYPE,
        SSL_PRODUCER_TYPE,
        CCS_CONSUME,
        MSG_HANDSHAKE_CONTEXT,
        MSG_HANDSHAKE_TYPE,
        HC_HANDSHAKE_OUTPUT,
        OUT_STREAM_COMPLETE,
        CLIENT_HELLO,
        CCS_PRODUCER,
        KEY_UPDATE_PRODUCER,
        CHANGE_CIPHER_SPEC,
        KEY_UPDATE,
        T12_SERVER_CERTS,
        T12_CLIENT_CERTS,
        T13_SERVER_CERTS,
        T13_CLIENT_CERTS,
        CERTIFICATE_ENTRY_ENCODED,
        CLOSE_INBOUND,
        CLOSE_OUTBOUND,
        DECODE,
        PLAINTEXT_CONTENT_TYPE,
        HC_CERT_REQUEST_CONTEXT,
        HC_SERVER_SELECTED_NAMED_GROUP,
        HC_HANDSHAKE_CREDENTIALS,
        HC_HANDSHAKE_POSSESSIONS,
        NAMED_GROUP_NAME,
        POSSESSION_TYPE,
        CREDENTIALS_TYPE,
        POSSESSION_NAMED_GROUP,
        CREDENTIALS_NAMED_GROUP,
        HC_APPLICATION_PROTOCOL,
        TC_APPLICATION_PROTOCOL,
        HC_REQUESTED_SERVER_NAMES,
        HC_IS_RESUMPTION,
        CFG_CLIENT_AUTH_TYPE,
        CLIENT_AUTH_REQUIRED_CONSTANT,
        CLIENT_AUTH_REQUESTED_CONSTANT,
        HC_ACTIVE_PROTOCOLS,
        HC_ACTIVE_CIPHER_SUITES,
        HC_SSL_CONTEXT,
        CONTEXT_TRUST_MANAGER,
        CIPHER_SUITE_NAME_OF,
        NAMED_GROUP_NAME_OF,
        SIGNATURE_SCHEME_NAME_OF,
        PROTOCOL_NAME_OF,
        UNKNOWN_CIPHER_SUITE,
        UNDEFINED_NAMED_GROUP,
        UNDEFINED_SIGNATURE,
        SOCKET_PEER_HOST,
        ENGINE_CREATED,
        NO_CIPHER_SUITES_IN_COMMON,
        NO_SUBJECT_ALTERNATIVE,
        NO_NAME_MATCHING,
        VALIDITY,
        CHECK_FAILED,
        PKIX_PATH_BUILDING_FAILED,
        EMPTY_CLIENT_CHAIN_T12,
        EMPTY_CLIENT_CHAIN_T13,
        NOT_A_TLS_RECORD_SOCKET,
        NOT_A_TLS_RECORD_ENGINE,
        PLAINTEXT_CONNECTION,
        NO_TRUST_ANCHOR,
        REMOTE_HOST_TERMINATED,
        CONNECTION_RESET);
  }

  private static JdkRow method(
      String className, String name, String descriptor, String purpose, Feature... features) {
    return row(JdkRow.Kind.METHOD, className, name, descriptor, purpose, features);
  }

  private static JdkRow field(
      String className, String name, String descriptor, String purpose, Feature... features) {
    return row(JdkRow.Kind.FIELD, className, name, descriptor, purpose, features);
  }

  private static JdkRow type(String className, String purpose, Feature... features) {
    return row(JdkRow.Kind.CLASS, className, null, null, purpose, features);
  }

  private static JdkRow string(String className, String text, String purpose, Feature... features) {
    return row(JdkRow.Kind.STRING, className, text, null, purpose, features);
  }

  private static JdkRow row(
      JdkRow.Kind kind,
      String className,
      String name,
      String descriptor,
      String purpose,
      Feature... features) {
    return JdkRow.of(
        kind,
        PROVIDER,
        className,
        name,
        descriptor,
        purpose,
        VERIFIED,
        features[0],
        Arrays.copyOfRange(features, 1, features.length));
  }
}
