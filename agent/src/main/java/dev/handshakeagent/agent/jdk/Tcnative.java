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

  public static final ProviderRow HANDSHAKE =
      method(
          ENGINE,
          "handshake",
          "()Ljavax/net/ssl/SSLEngineResult$HandshakeStatus;",
          "hook: handshake start (every SSL_do_handshake step), success, failure");
  public static final ProviderRow STATE =
      ProviderRow.field(
          PROVIDER,
          ENGINE,
          STATE_FIELD,
          "L" + HANDSHAKE_STATE.replace('.', '/') + ";",
          "tells a finished engine's handshake() from a running one (constant FINISHED, by name)",
          VERIFIED);
  public static final ProviderRow WRAP =
      method(
          ENGINE,
          "wrap",
          "([Ljava/nio/ByteBuffer;IILjava/nio/ByteBuffer;)Ljavax/net/ssl/SSLEngineResult;",
          "hook: a failure thrown from wrap (an alert to send, a pending handshake error)");
  public static final ProviderRow UNWRAP =
      method(
          ENGINE,
          "unwrap",
          "([Ljava/nio/ByteBuffer;II[Ljava/nio/ByteBuffer;II)Ljavax/net/ssl/SSLEngineResult;",
          "hook: a failure thrown from unwrap (an alert received)");
  public static final ProviderRow CLOSE_INBOUND =
      method(ENGINE, "closeInbound", "()V", "hook: the connection closes");
  public static final ProviderRow CLOSE_OUTBOUND =
      method(ENGINE, "closeOutbound", "()V", "hook: the connection closes");
  public static final ProviderRow KEY_MATERIAL_CLIENT =
      method(
          KEY_MATERIAL_MANAGER,
          "setKeyMaterialClientSide",
          "(" + L_ENGINE + "[Ljava/lang/String;[Ljavax/security/auth/x500/X500Principal;)V",
          "hook: the server requested a client certificate");

  /** The name of every verify callback's row method and its descriptor. */
  public static final String VERIFY = "verify";

  public static final String VERIFY_DESCRIPTOR =
      "(" + L_ENGINE + "[Ljava/security/cert/X509Certificate;Ljava/lang/String;)V";

  /** {@code verify(engine, chain, authType)} of each callback: the trust manager call. */
  public static final List<ProviderRow> VERIFY_ROWS = verifyRows();

  private static List<ProviderRow> verifyRows() {
    ProviderRow[] rows = new ProviderRow[VERIFY_CALLBACKS.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] =
          method(
              VERIFY_CALLBACKS.get(i),
              VERIFY,
              VERIFY_DESCRIPTOR,
              "hook: the trust manager checks the peer's chain");
    }
    return List.of(rows);
  }

  /** Every row. */
  public static List<ProviderRow> rows() {
    List<ProviderRow> all = new ArrayList<>();
    all.add(HANDSHAKE);
    all.add(STATE);
    all.add(WRAP);
    all.add(UNWRAP);
    all.add(CLOSE_INBOUND);
    all.add(CLOSE_OUTBOUND);
    all.add(KEY_MATERIAL_CLIENT);
    all.addAll(VERIFY_ROWS);
    return List.copyOf(all);
  }

  private static ProviderRow method(
      String className, String name, String descriptor, String purpose) {
    return ProviderRow.method(PROVIDER, className, name, descriptor, purpose, VERIFIED);
  }
}
