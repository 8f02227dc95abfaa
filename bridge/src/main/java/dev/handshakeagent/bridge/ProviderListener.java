package dev.handshakeagent.bridge;

/**
 * Receives the events of handshakes run by TLS providers other than SunJSSE (OpenSSL through
 * netty-tcnative, Conscrypt, Bouncy Castle JSSE) from {@link ProviderBridge}.
 *
 * <p>Every event names the application's connection object: the provider's {@code SSLEngine} or
 * {@code SSLSocket} (for a provider that wraps an engine in a socket, the engine). One handshake
 * per connection is open at a time. Implementations run on the application's threads (event loops,
 * handshake threads): they must be quick, take no lock the application could hold, and never call
 * back into the provider.
 */
public interface ProviderListener {

  /**
   * A handshake started on {@code connection}. {@code provider} names the provider ({@code
   * OpenSSL}, {@code Conscrypt}, {@code BCJSSE}); {@code library} its native library and version
   * where there is one ({@code BoringSSL (netty-tcnative 2.0.84.Final)}), else null. Ignored while
   * a handshake is already open on the connection.
   */
  void started(Object connection, String provider, String library, boolean client);

  /**
   * A handshake message of wire type {@code wireType} (RFC 8446 numbering) is about to be sent
   * ({@code send}) or was received and is about to be processed. Closed by {@link #exit}.
   */
  void messageEnter(Object connection, boolean send, int wireType);

  /** The trust manager is about to check the peer's certificate chain. Closed by {@link #exit}. */
  void validateEnter(Object connection);

  /** The innermost step this thread opened on {@code connection} returned or threw. */
  void exit(Object connection, Throwable thrown);

  /**
   * Something the provider reported that has no step of its own ({@code certificate_requested},
   * {@code session_reused}); a bounded name.
   */
  void event(Object connection, String name);

  /** The handshake succeeded; {@code session} is its {@code SSLSession}. */
  void finished(Object connection, Object session);

  /**
   * The handshake failed with {@code thrown} (what the application sees, may be null); {@code
   * alert} is the RFC name of the fatal alert ({@code bad_certificate}) when the provider tells it,
   * {@code received} whether the peer sent it.
   */
  void failed(Object connection, Throwable thrown, String alert, boolean received);

  /** The connection is closing (either side); an open handshake on it ends as failed. */
  void closed(Object connection);

  /**
   * Later events may name {@code internal}, an object of the provider's own that its hooks see
   * where the connection is out of reach (its protocol engine, its TLS peer), for {@code target}:
   * the connection, or another alias of it. Held weakly; a no-op for listeners that need none.
   */
  default void alias(Object internal, Object target) {}

  /** A hook threw; the bridge swallowed it so the application never sees it. */
  void suppressed(Throwable error);
}
