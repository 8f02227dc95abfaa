package dev.handshakeagent.agent.advice.bcjsse;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.jdk.ProviderRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Bouncy Castle's JSSE provider (bctls, {@code BouncyCastleJsseProvider}): the whole protocol runs
 * in Java, so its handshakes get the same {@code send}/{@code receive} phases as SunJSSE's. The
 * protocol classes ({@code org.bouncycastle.tls}) see neither the connection nor each other's peer,
 * so the hooks link them by aliases: protocol -> peer ({@code ProvTlsClient}/{@code ProvTlsServer})
 * -> connection ({@code ProvSSLEngine}, {@code ProvSSLSocketDirect}, {@code ProvSSLSocketWrap}).
 * Verified on bctls-jdk18on 1.82.
 */
public final class BcjsseHooks extends ProviderHooks {

  /** {@code handshake.provider} of its handshakes. */
  public static final String NAME = "BCJSSE";

  static final String VERIFIED = "bctls-jdk18on 1.82";

  static final String TLS = "org.bouncycastle.tls.";
  static final String JSSE = "org.bouncycastle.jsse.provider.";

  static final String TLS_PROTOCOL = TLS + "TlsProtocol";
  static final String TLS_CLIENT_PROTOCOL = TLS + "TlsClientProtocol";
  static final String TLS_SERVER_PROTOCOL = TLS + "TlsServerProtocol";
  static final String RECORD_STREAM = TLS + "RecordStream";
  static final String PROV_TLS_CLIENT = JSSE + "ProvTlsClient";
  static final String PROV_TLS_SERVER = JSSE + "ProvTlsServer";
  static final String PROV_SSL_ENGINE = JSSE + "ProvSSLEngine";
  static final String PROV_SSL_SOCKET_DIRECT = JSSE + "ProvSSLSocketDirect";
  static final String PROV_SSL_SOCKET_WRAP = JSSE + "ProvSSLSocketWrap";

  static final String NO_ARGUMENTS = "()V";
  static final String NOTIFY_HANDSHAKE_BEGINNING = "notifyHandshakeBeginning";
  static final String NOTIFY_ALERT_RAISED = "notifyAlertRaised";
  static final String ALERT_RAISED_DESCRIPTOR = "(SSLjava/lang/String;Ljava/lang/Throwable;)V";
  static final String NOTIFY_ALERT_RECEIVED = "notifyAlertReceived";
  static final String ALERT_RECEIVED_DESCRIPTOR = "(SS)V";
  static final String NOTIFY_CONNECTION_CLOSED = "notifyConnectionClosed";
  static final String CHECK_SERVER_TRUSTED = "checkServerTrusted";
  static final String CHECK_CLIENT_TRUSTED = "checkClientTrusted";
  static final String CHECK_TRUSTED_DESCRIPTOR =
      "([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V";
  static final String NOTIFY_HANDSHAKE_COMPLETE = "notifyHandshakeComplete";
  static final String NOTIFY_HANDSHAKE_COMPLETE_DESCRIPTOR =
      "(Lorg/bouncycastle/jsse/provider/ProvSSLConnection;)V";

  static final ProviderRow WRITE_HANDSHAKE_MESSAGE =
      method(TLS_PROTOCOL, "writeHandshakeMessage", "([BII)V", "send phases (wire type)");
  static final ProviderRow CONNECT =
      method(
          TLS_CLIENT_PROTOCOL,
          "connect",
          "(Lorg/bouncycastle/tls/TlsClient;)V",
          "links the client protocol to its peer");
  static final ProviderRow CLIENT_HANDLE =
      method(
          TLS_CLIENT_PROTOCOL,
          "handleHandshakeMessage",
          "(SLorg/bouncycastle/tls/HandshakeMessageInput;)V",
          "receive phases (client)");
  static final ProviderRow ACCEPT =
      method(
          TLS_SERVER_PROTOCOL,
          "accept",
          "(Lorg/bouncycastle/tls/TlsServer;)V",
          "links the server protocol to its peer");
  static final ProviderRow SERVER_HANDLE =
      method(
          TLS_SERVER_PROTOCOL,
          "handleHandshakeMessage",
          "(SLorg/bouncycastle/tls/HandshakeMessageInput;)V",
          "receive phases (server)");

  static final ProviderRow READ_RECORD =
      method(RECORD_STREAM, "readRecord", "()Z", "the peer's stream ended (peer_closed)");

  private static final List<String> PEERS = List.of(PROV_TLS_CLIENT, PROV_TLS_SERVER);
  private static final List<String> CONNECTIONS =
      List.of(PROV_SSL_ENGINE, PROV_SSL_SOCKET_DIRECT, PROV_SSL_SOCKET_WRAP);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> classNames() {
    return List.of(
        TLS_PROTOCOL,
        TLS_CLIENT_PROTOCOL,
        TLS_SERVER_PROTOCOL,
        RECORD_STREAM,
        PROV_TLS_CLIENT,
        PROV_TLS_SERVER,
        PROV_SSL_ENGINE,
        PROV_SSL_SOCKET_DIRECT,
        PROV_SSL_SOCKET_WRAP);
  }

  @Override
  public List<ProviderRow> rows() {
    List<ProviderRow> rows = new ArrayList<>();
    rows.add(WRITE_HANDSHAKE_MESSAGE);
    rows.add(CONNECT);
    rows.add(CLIENT_HANDLE);
    rows.add(ACCEPT);
    rows.add(SERVER_HANDLE);
    rows.add(READ_RECORD);
    rows.add(
        ProviderRow.field(
            NAME,
            RECORD_STREAM,
            "handler",
            "Lorg/bouncycastle/tls/TlsProtocol;",
            "the protocol a record stream reads for",
            VERIFIED));
    for (String peer : PEERS) {
      rows.add(
          ProviderRow.field(
              NAME,
              peer,
              "manager",
              "Lorg/bouncycastle/jsse/provider/ProvTlsManager;",
              "the connection of a peer",
              VERIFIED));
      rows.add(method(peer, NOTIFY_HANDSHAKE_BEGINNING, NO_ARGUMENTS, "handshake start"));
      rows.add(method(peer, NOTIFY_ALERT_RAISED, ALERT_RAISED_DESCRIPTOR, "fatal alert sent"));
      rows.add(
          method(peer, NOTIFY_ALERT_RECEIVED, ALERT_RECEIVED_DESCRIPTOR, "fatal alert received"));
      rows.add(method(peer, NOTIFY_CONNECTION_CLOSED, NO_ARGUMENTS, "closed mid-handshake"));
    }
    for (String connection : CONNECTIONS) {
      rows.add(
          method(
              connection,
              CHECK_SERVER_TRUSTED,
              CHECK_TRUSTED_DESCRIPTOR,
              "validate certificate chain (client)"));
      rows.add(
          method(
              connection,
              CHECK_CLIENT_TRUSTED,
              CHECK_TRUSTED_DESCRIPTOR,
              "validate certificate chain (server)"));
      rows.add(
          method(
              connection,
              NOTIFY_HANDSHAKE_COMPLETE,
              NOTIFY_HANDSHAKE_COMPLETE_DESCRIPTOR,
              "handshake finished"));
    }
    return rows;
  }

  @Override
  public List<JdkInstrumentation> instrumentations() {
    return List.of(
        new TlsProtocolInstrumentation(),
        new TlsPeerProtocolInstrumentation(TLS_CLIENT_PROTOCOL, CONNECT, CLIENT_HANDLE),
        new TlsPeerProtocolInstrumentation(TLS_SERVER_PROTOCOL, ACCEPT, SERVER_HANDLE),
        new RecordStreamInstrumentation(),
        new ProvTlsPeerInstrumentation(PROV_TLS_CLIENT, true),
        new ProvTlsPeerInstrumentation(PROV_TLS_SERVER, false),
        new ProvManagerInstrumentation(PROV_SSL_ENGINE),
        new ProvManagerInstrumentation(PROV_SSL_SOCKET_DIRECT),
        new ProvManagerInstrumentation(PROV_SSL_SOCKET_WRAP));
  }

  private static ProviderRow method(
      String className, String name, String descriptor, String purpose) {
    return ProviderRow.method(NAME, className, name, descriptor, purpose, VERIFIED);
  }
}
