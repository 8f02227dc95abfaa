package dev.handshakeagent.bridge;

import java.nio.ByteBuffer;

/**
 * Receives the raw events of SunJSSE handshakes from {@link HandshakeBridge}.
 *
 * <p>Lives on the boot class path, so it may use JDK types only. Every argument typed {@code
 * Object} is a {@code sun.security.ssl} object passed through untouched (a {@code
 * HandshakeContext}, a {@code TransportContext}, a {@code HandshakeMessage}, an {@code Alert}); the
 * implementation reads their fields. Implementations run on the application's handshake threads:
 * they must be quick, must not take locks the application could hold, and must not call public
 * {@code SSLSocket} methods.
 */
public interface HandshakeListener {

  /**
   * An {@code SSLEngineImpl} was constructed, on the thread that asked for it: the application's
   * span current there may be the parent of handshakes the engine later runs on other threads.
   */
  void engineCreated(Object engine);

  /** A {@code HandshakeContext} for a full (initial or renegotiated) handshake was constructed. */
  void handshakeStarted(Object handshakeContext);

  /** A {@code PostHandshakeContext} (TLS 1.3 new_session_ticket, key_update) was constructed. */
  void postHandshakeStarted(Object postHandshakeContext);

  /** An inbound handshake message of wire type {@code type} is about to be consumed. */
  void consumeEnter(Object handshakeContext, byte type, ByteBuffer message);

  /** An inbound change_cipher_spec record (TLS 1.2) is about to be consumed. */
  void changeCipherSpecEnter(Object transportContext);

  /**
   * A producer of an outbound handshake message was entered; {@code producer} is its class name.
   */
  void produceEnter(Object handshakeContext, String producer);

  /** The trust manager is about to check the peer's certificate chain. */
  void trustCheckEnter(Object handshakeContext);

  /**
   * The PKIX revocation checker is about to check {@code certificate} (an {@code X509Certificate});
   * on whatever thread runs the trust manager, with no handshake object at hand.
   */
  void revocationCheckEnter(Object certificate);

  /**
   * A revocation source may be fetched: an OCSP request ({@code ocsp}) or a CRL download, from
   * {@code uri} (a {@code java.net.URI}); {@code context} identifies the call for its exit.
   */
  void revocationFetchEnter(Object context, Object uri, boolean ocsp);

  /**
   * The fetch opened with {@code context} returned or threw; {@code network} is false when the
   * answer came from the JDK's cache without a request.
   */
  void revocationFetchExit(Object context, boolean network, Throwable thrown);

  /** The innermost frame opened by one of the {@code *Enter} methods above returned or threw. */
  void frameExit(Object context, Object result, Throwable thrown);

  /** A handshake message was serialized into {@code outStream}. */
  void messageWritten(Object message, Object outStream);

  /**
   * {@code outStream} (a {@code HandshakeOutStream}) holds one complete outbound message and is
   * about to pass it on and empty itself.
   */
  void messageComplete(Object outStream);

  /** {@code TransportContext.finishHandshake()} was entered: the handshake succeeded. */
  void handshakeFinished(Object transportContext);

  /**
   * The first fatal alert of a connection, sent ({@code received == false}) or received; {@code
   * thrown} is the exception the application will see.
   */
  void fatal(
      Object transportContext,
      Object alert,
      String message,
      boolean received,
      Throwable cause,
      Throwable thrown);

  /** The application closes the connection's inbound or outbound side. */
  void closing(Object transportContext);

  /**
   * Inbound records were decoded on an established or handshaking connection; {@code plaintext} is
   * the last one (a {@code Plaintext}). Called for every read: return at once when not needed.
   */
  void recordDecoded(Object transportContext, Object plaintext);

  /** A hook threw; the bridge swallowed it so the application never sees it. */
  void suppressed(Throwable error);
}
