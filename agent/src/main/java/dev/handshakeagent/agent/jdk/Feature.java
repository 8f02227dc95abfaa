package dev.handshakeagent.agent.jdk;

/**
 * What the agent does, in parts that are switched off independently when a row of the {@link
 * JdkModel} does not hold on the running JDK. Every row names the features that need it.
 */
public enum Feature {
  /** Handshake start and success, protocol and cipher suite: without these nothing is traced. */
  CORE,
  /** Handshake failure: the first fatal alert, sent or received, and its description. */
  FAILURE,
  /** Phase spans: messages consumed and produced. */
  PHASES,
  /** The {@code validate certificate chain} work span, and a rejected TLS 1.3 chain. */
  TRUST,
  /** Ending handshakes that the application closes mid-way. */
  CLOSE,
  /**
   * A TLS 1.3 client that answered a certificate_request is held until the server's verdict (its
   * first record after the client's Finished), so a rejection after Finished fails the handshake.
   * Off: such a client's root is exported at its Finished, as a success.
   */
  REJECTION,
  /**
   * The {@code check revocation} span under {@code validate certificate chain} and its {@code fetch
   * OCSP response} / {@code fetch CRL} children (the JDK's PKIX implementation, {@link CertPath}).
   */
  REVOCATION,
  /** The negotiated named group (key exchange). */
  NAMED_GROUP,
  /** The negotiated application protocol (ALPN). */
  ALPN,
  /** The server name the client requested (SNI). */
  SERVER_NAME,
  /** Whether the handshake resumed a session. */
  RESUMPTION,
  /** Server side: whether client certificates are requested or required. */
  CLIENT_AUTH,
  /** Enabled and offered versions and cipher suites, and the server's accepted issuers. */
  CONFIGURED,
  /** Names of what a client offered in its client_hello (suites, groups, schemes, versions). */
  OFFERED,
  /**
   * Client side: the bytes of this JVM's own client_hello, for its JA4/JA3 fingerprint (the server
   * side reads the peer's from the consumed message, under {@link #PHASES}).
   */
  FINGERPRINT,
  /** SSLSocket: the peer host name the socket was created with. */
  PEER_HOST,
  /**
   * SSLEngine: the application's span current where the engine was made is the parent of its
   * handshakes that start where none is current (the JDK's HttpClient runs them on its selector
   * thread). Off: such handshakes are roots of their own traces.
   */
  ENGINE_PARENT,
  /**
   * The bridge defined directly in the boot loader. Without it the bridge is appended to the boot
   * class path instead, which works the same but makes the JVM switch class data sharing off for
   * the application's classes (a slower start).
   */
  BOOT_DEFINE,
  /**
   * The explanation of a failure that recognises a JDK exception text. A text that is gone only
   * stops its own explanation from firing (the generic one is given instead).
   */
  DIAGNOSIS
}
