package dev.handshakeagent.agent.jdk;

import java.util.List;

/**
 * The rows of the model for Conscrypt ({@code org.conscrypt}, BoringSSL over JNI). Its {@code
 * SSLSocket} on OpenJDK is an engine socket (a {@code ConscryptEngine} inside), so the engine's
 * hooks see both APIs. Names are written unrelocated; a shaded copy is the same row under a prefix.
 */
public final class Conscrypt {
  private Conscrypt() {}

  public static final String PROVIDER = "Conscrypt";

  public static final String VERIFIED = "conscrypt-openjdk-uber 2.5.2";

  private static final String PKG = "org.conscrypt.";

  public static final String ENGINE = PKG + "ConscryptEngine";
  public static final String NATIVE_SSL = PKG + "NativeSsl";
  public static final String ENGINE_SOCKET = PKG + "ConscryptEngineSocket";

  /** Read by the engine socket's advice as {@code @Advice.FieldValue}: the engine inside. */
  public static final String ENGINE_FIELD = "engine";

  /** {@code EngineStates.STATE_HANDSHAKE_STARTED}, as a {@code case} label (a constant). */
  public static final int STATE_HANDSHAKE_STARTED = 2;

  /** Read by the failure advice as {@code @Advice.FieldValue}: the engine or socket. */
  public static final String CALLBACKS_FIELD = "handshakeCallbacks";

  public static final ProviderRow TRANSITION =
      method(
          ENGINE,
          "transitionTo",
          "(I)V",
          "hook: handshake start (SSLUtils.EngineStates.STATE_HANDSHAKE_STARTED = 2)");
  public static final ProviderRow FINISH =
      method(ENGINE, "finishHandshake", "()V", "hook: handshake success");
  public static final ProviderRow VERIFY_CHAIN =
      method(
          ENGINE,
          "verifyCertificateChain",
          "([[BLjava/lang/String;)V",
          "hook: the trust manager checks the peer's chain");
  public static final ProviderRow CLIENT_CERT_REQUESTED =
      method(
          ENGINE,
          "clientCertificateRequested",
          "([B[I[[B)V",
          "hook: the server requested a client certificate");
  public static final ProviderRow CLOSE_INBOUND =
      method(ENGINE, "closeInbound", "()V", "hook: the connection closes");
  public static final ProviderRow CLOSE_OUTBOUND =
      method(ENGINE, "closeOutbound", "()V", "hook: the connection closes");
  public static final ProviderRow DO_HANDSHAKE =
      method(
          NATIVE_SSL,
          "doHandshake",
          "()I",
          "hook: a handshake failure, before the engine closes itself");
  public static final ProviderRow READ_DIRECT =
      method(
          NATIVE_SSL,
          "readDirectByteBuffer",
          "(JI)I",
          "hook: an alert received while reading, before the engine closes itself");
  public static final ProviderRow CALLBACKS =
      ProviderRow.field(
          PROVIDER,
          NATIVE_SSL,
          CALLBACKS_FIELD,
          "Lorg/conscrypt/NativeCrypto$SSLHandshakeCallbacks;",
          "the engine a NativeSsl belongs to",
          VERIFIED);

  public static final ProviderRow SOCKET_ENGINE =
      ProviderRow.field(
          PROVIDER,
          ENGINE_SOCKET,
          ENGINE_FIELD,
          "Lorg/conscrypt/ConscryptEngine;",
          "the engine an SSLSocket runs on, set by every constructor: its events name the socket",
          VERIFIED);

  /** Every row. */
  public static List<ProviderRow> rows() {
    return List.of(
        TRANSITION,
        FINISH,
        VERIFY_CHAIN,
        CLIENT_CERT_REQUESTED,
        CLOSE_INBOUND,
        CLOSE_OUTBOUND,
        DO_HANDSHAKE,
        READ_DIRECT,
        CALLBACKS,
        SOCKET_ENGINE);
  }

  private static ProviderRow method(
      String className, String name, String descriptor, String purpose) {
    return ProviderRow.method(PROVIDER, className, name, descriptor, purpose, VERIFIED);
  }
}
