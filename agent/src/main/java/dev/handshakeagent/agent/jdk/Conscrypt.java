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
  private static final String ENGINE_STATES = PKG + "SSLUtils$EngineStates";

  /** {@code EngineStates.STATE_HANDSHAKE_STARTED}, as a {@code case} label (a constant). */
  public static final int STATE_HANDSHAKE_STARTED = 2;

  /** Read by the failure advice as {@code @Advice.FieldValue}: the engine or socket. */
  public static final String CALLBACKS_FIELD = "handshakeCallbacks";

  public static final JdkRow TRANSITION =
      method(ENGINE, "transitionTo", "(I)V", "hook: handshake start (state change)", Feature.CORE);
  public static final JdkRow STARTED_STATE =
      JdkRow.of(
          JdkRow.Kind.FIELD,
          PROVIDER,
          ENGINE_STATES,
          "STATE_HANDSHAKE_STARTED",
          "I",
          "the state transitionTo enters when a handshake starts (value 2)",
          VERIFIED,
          Feature.CORE);
  public static final JdkRow FINISH =
      method(ENGINE, "finishHandshake", "()V", "hook: handshake success", Feature.CORE);
  public static final JdkRow VERIFY_CHAIN =
      method(
          ENGINE,
          "verifyCertificateChain",
          "([[BLjava/lang/String;)V",
          "hook: the trust manager checks the peer's chain",
          Feature.TRUST);
  public static final JdkRow CLIENT_CERT_REQUESTED =
      method(
          ENGINE,
          "clientCertificateRequested",
          "([B[I[[B)V",
          "hook: the server requested a client certificate",
          Feature.CLIENT_AUTH);
  public static final JdkRow CLOSE_INBOUND =
      method(ENGINE, "closeInbound", "()V", "hook: the connection closes", Feature.CLOSE);
  public static final JdkRow CLOSE_OUTBOUND =
      method(ENGINE, "closeOutbound", "()V", "hook: the connection closes", Feature.CLOSE);
  public static final JdkRow DO_HANDSHAKE =
      method(
          NATIVE_SSL,
          "doHandshake",
          "()I",
          "hook: a handshake failure, before the engine closes itself",
          Feature.FAILURE);
  public static final JdkRow READ_DIRECT =
      method(
          NATIVE_SSL,
          "readDirectByteBuffer",
          "(JI)I",
          "hook: an alert received while reading, before the engine closes itself",
          Feature.FAILURE);
  public static final JdkRow CALLBACKS =
      JdkRow.of(
          JdkRow.Kind.FIELD,
          PROVIDER,
          NATIVE_SSL,
          CALLBACKS_FIELD,
          "Lorg/conscrypt/NativeCrypto$SSLHandshakeCallbacks;",
          "the engine a NativeSsl belongs to",
          VERIFIED,
          Feature.FAILURE);

  /** Every row. */
  public static List<JdkRow> rows() {
    return List.of(
        TRANSITION,
        STARTED_STATE,
        FINISH,
        VERIFY_CHAIN,
        CLIENT_CERT_REQUESTED,
        CLOSE_INBOUND,
        CLOSE_OUTBOUND,
        DO_HANDSHAKE,
        READ_DIRECT,
        CALLBACKS);
  }

  private static JdkRow method(
      String className, String name, String descriptor, String purpose, Feature feature) {
    return JdkRow.of(
        JdkRow.Kind.METHOD, PROVIDER, className, name, descriptor, purpose, VERIFIED, feature);
  }
}
