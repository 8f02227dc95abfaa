package dev.handshakeagent.agent.jdk;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the model for OpenSSL as Netty runs it through netty-tcnative ({@code
 * io.netty.handler.ssl}, Netty 4.1 and 4.2). Class names and descriptors are written unrelocated: a
 * shaded copy ({@code io.grpc.netty.shaded.io.netty...}) is the same row under a prefix, which the
 * hooks and the check put in front of every {@code io.netty} name.
 */
public final class Tcnative {
  private Tcnative() {}

  public static final String PROVIDER = "OpenSSL";

  /** Netty builds every row was verified on ({@code javap} and the tests). */
  public static final String VERIFIED =
      "netty-handler 4.2.18.Final; grpc-netty-shaded 1.85.1 (relocated Netty 4.1)";

  private static final String PKG = "io.netty.handler.ssl.";

  public static final String ENGINE = PKG + "ReferenceCountedOpenSslEngine";
  public static final String KEY_MATERIAL_MANAGER = PKG + "OpenSslKeyMaterialManager";
  public static final String OPENSSL = PKG + "OpenSsl";
  private static final String HANDSHAKE_STATE = ENGINE + "$HandshakeState";

  /** The four trust-manager callbacks (client/server, plain/extended trust manager). */
  public static final List<String> VERIFY_CALLBACKS =
      List.of(
          PKG + "ReferenceCountedOpenSslClientContext$TrustManagerVerifyCallback",
          PKG + "ReferenceCountedOpenSslClientContext$ExtendedTrustManagerVerifyCallback",
          PKG + "ReferenceCountedOpenSslServerContext$TrustManagerVerifyCallback",
          PKG + "ReferenceCountedOpenSslServerContext$ExtendedTrustManagerVerifyCallback");

  /** Read by the handshake advice as {@code @Advice.FieldValue}. */
  public static final String STATE_FIELD = "handshakeState";

  /** The {@code HandshakeState} constant of a finished handshake. */
  public static final String STATE_FINISHED = "FINISHED";

  private static final String L_ENGINE = "Lio/netty/handler/ssl/ReferenceCountedOpenSslEngine;";

  public static final JdkRow HANDSHAKE =
      method(
          ENGINE,
          "handshake",
          "()Ljavax/net/ssl/SSLEngineResult$HandshakeStatus;",
          "hook: handshake start (every SSL_do_handshake step), success, failure",
          Feature.CORE);
  public static final JdkRow STATE =
      JdkRow.of(
          JdkRow.Kind.FIELD,
          PROVIDER,
          ENGINE,
          STATE_FIELD,
          "L" + HANDSHAKE_STATE.replace('.', '/') + ";",
          "tells a finished engine's handshake() from a running one",
          VERIFIED,
          Feature.CORE);
  public static final JdkRow FINISHED =
      JdkRow.of(
          JdkRow.Kind.FIELD,
          PROVIDER,
          HANDSHAKE_STATE,
          STATE_FINISHED,
          "L" + HANDSHAKE_STATE.replace('.', '/') + ";",
          "the state of a finished handshake, compared by name",
          VERIFIED,
          Feature.CORE);
  public static final JdkRow WRAP =
      method(
          ENGINE,
          "wrap",
          "([Ljava/nio/ByteBuffer;IILjava/nio/ByteBuffer;)Ljavax/net/ssl/SSLEngineResult;",
          "hook: a failure thrown from wrap (an alert to send, a pending handshake error)",
          Feature.FAILURE);
  public static final JdkRow UNWRAP =
      method(
          ENGINE,
          "unwrap",
          "([Ljava/nio/ByteBuffer;II[Ljava/nio/ByteBuffer;II)Ljavax/net/ssl/SSLEngineResult;",
          "hook: a failure thrown from unwrap (an alert received)",
          Feature.FAILURE);
  public static final JdkRow CLOSE_INBOUND =
      method(ENGINE, "closeInbound", "()V", "hook: the connection closes", Feature.CLOSE);
  public static final JdkRow CLOSE_OUTBOUND =
      method(ENGINE, "closeOutbound", "()V", "hook: the connection closes", Feature.CLOSE);
  public static final JdkRow KEY_MATERIAL_CLIENT =
      method(
          KEY_MATERIAL_MANAGER,
          "setKeyMaterialClientSide",
          "(" + L_ENGINE + "[Ljava/lang/String;[Ljavax/security/auth/x500/X500Principal;)V",
          "hook: the server requested a client certificate",
          Feature.CLIENT_AUTH);

  /** The name of every verify callback's row method and its descriptor. */
  public static final String VERIFY = "verify";

  public static final String VERIFY_DESCRIPTOR =
      "(" + L_ENGINE + "[Ljava/security/cert/X509Certificate;Ljava/lang/String;)V";

  /** {@code verify(engine, chain, authType)} of each callback: the trust manager call. */
  public static final List<JdkRow> VERIFY_ROWS = verifyRows();

  private static List<JdkRow> verifyRows() {
    JdkRow[] rows = new JdkRow[VERIFY_CALLBACKS.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] =
          method(
              VERIFY_CALLBACKS.get(i),
              VERIFY,
              VERIFY_DESCRIPTOR,
              "hook: the trust manager checks the peer's chain",
              Feature.TRUST);
    }
    return List.of(rows);
  }

  /** Every row. */
  public static List<JdkRow> rows() {
    List<JdkRow> all = new ArrayList<>();
    all.add(HANDSHAKE);
    all.add(STATE);
    all.add(FINISHED);
    all.add(WRAP);
    all.add(UNWRAP);
    all.add(CLOSE_INBOUND);
    all.add(CLOSE_OUTBOUND);
    all.add(KEY_MATERIAL_CLIENT);
    all.addAll(VERIFY_ROWS);
    return List.copyOf(all);
  }

  private static JdkRow method(
      String className, String name, String descriptor, String purpose, Feature feature) {
    return JdkRow.of(
        JdkRow.Kind.METHOD, PROVIDER, className, name, descriptor, purpose, VERIFIED, feature);
  }
}
