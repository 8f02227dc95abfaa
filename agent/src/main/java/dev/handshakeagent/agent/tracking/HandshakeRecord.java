package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.jdk.SunJsse;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * Everything recorded about one handshake attempt on one side, keyed by the JDK's own {@code
 * HandshakeContext}. On the handshake thread only timestamps and object references are stored;
 * strings, certificates and spans are made later on the export thread from the references kept at
 * the end ({@link HandshakeFacts}).
 *
 * <p>Thread safety: events of one handshake arrive serialized by the JDK's own locks, but the
 * sweeper may end a record concurrently, so every mutation holds the record's monitor (never
 * contended in practice). After {@link #outcome()} is set and the record is handed to the sink it
 * is not mutated again.
 */
public final class HandshakeRecord {

  /** How a handshake ended. */
  public enum Outcome {
    SUCCEEDED,
    FAILED,
    ABANDONED
  }

  private static final int ACTIVE = 0;
  private static final int ENDING = 1;
  private static final int ENDED = 2;

  /**
   * Succeeded on this side but not yet handed on: a TLS 1.3 client that answered a
   * certificate_request waits for the server's verdict on it (RFC 8446 4.4.2.4), see {@link
   * HandshakeTracker}. Ends as a success on the server's first other record, a close or a timeout,
   * or as a failure on a fatal alert.
   */
  private static final int HELD = 3;

  final boolean client;
  final boolean engine;
  final long startNanos;

  /** Null for a connection-level failure before any handshake context existed. */
  final WeakReference<Object> handshakeContext;

  final WeakReference<Object> transport;

  /** For a post-handshake record: the connection's last handshake. */
  final HandshakeRecord parentHandshake;

  /** The application's span current when the handshake started (opaque), or null. */
  volatile Object applicationParent;

  /** The TLS provider that ran the handshake ({@code SunJSSE}, {@code BCJSSE}, ...). */
  final String provider;

  /** The provider's native library and version, or null (see {@link #library()}). */
  final String library;

  /**
   * True for a record made by {@link ProviderTracker}: its facts are read from the public {@code
   * SSLSession}/{@code SSLEngine}/{@code SSLSocket} API ({@link ProviderFacts}), not from SunJSSE's
   * fields, and its alert is the RFC name as a string.
   */
  final boolean viaProviderBridge;

  /** Provider records: wall-clock start, to tell a resumed session (created earlier) apart. */
  long startEpochMillis;

  /** Provider records, server side: what the connection asked of the client at start. */
  String serverClientAuth;

  /** Provider records: the ALPN value read when the handshake finished, or null. */
  volatile String applicationProtocol;

  /** Bounded names the provider reported without a step of their own, with their times. */
  private ArrayList<String> eventNames;

  private ArrayList<Long> eventNanos;

  /** At most this many events per handshake: a provider reporting in a loop stays bounded. */
  private static final int MAX_EVENTS = 16;

  private int state = ACTIVE;
  private int openFrames;

  /** Made on the first phase: a handshake recorded without phases allocates no list. */
  private ArrayList<Frame> phases;

  volatile long lastActivityNanos;

  // Set once when the record ends (under the monitor), read by the export thread afterwards.
  private Outcome outcome;
  private long endNanos;
  private Object endHandshakeContext;
  private Object endTransportContext;
  private Object endSession;
  private Object alert;
  private boolean alertReceived;
  private String failureMessage;
  private Throwable thrown;
  private Frame failedFrame;
  private String abandonReason;
  private Object peerChain;

  /** Only for providers whose session goes with the connection ({@link #keepChains}). */
  private Object localChain;

  /** The first error a revocation check threw (a CertPathValidatorException, reason REVOKED...). */
  private Throwable revocationError;

  /** The success waits for the server's verdict once every frame has closed. */
  private boolean holdForVerdict;

  /** A TLS 1.3 server rejected this client with a fatal alert after the client's Finished. */
  private boolean rejectedAfterFinished;

  /** While held: when the agent's thread ends the wait as a success. */
  volatile long holdUntilNanos;

  /**
   * The first client_hello: server side the body received (what the client offered), client side
   * the message this JVM sent; both for the fingerprints. Dropped once exported.
   */
  private byte[] clientHello;

  private InetAddress socketPeerAddress;
  private int socketPeerPort = -1;
  private int socketLocalPort = -1;
  private String peerHost;
  private int peerPort = -1;

  /**
   * @param handshakeContext a weak reference to the JDK's handshake context (the one its map holds
   *     as key), or null
   */
  HandshakeRecord(
      WeakReference<Object> handshakeContext,
      Object transport,
      boolean client,
      long startNanos,
      HandshakeRecord parentHandshake) {
    this(handshakeContext, transport, client, startNanos, parentHandshake, SunJsse.PROVIDER, null);
  }

  /** A record of a handshake run by {@code provider} ({@link ProviderTracker}). */
  HandshakeRecord(
      WeakReference<Object> handshakeContext,
      Object transport,
      boolean client,
      long startNanos,
      HandshakeRecord parentHandshake,
      String provider,
      String library) {
    this.provider = provider;
    this.library = library;
    this.viaProviderBridge = !SunJsse.PROVIDER.equals(provider);
    this.handshakeContext = handshakeContext;
    this.transport = new WeakReference<>(transport);
    this.client = client;
    this.engine = transport instanceof SSLEngine;
    this.startNanos = startNanos;
    this.lastActivityNanos = startNanos;
    this.parentHandshake = parentHandshake;
  }

  synchronized boolean isActive() {
    return state == ACTIVE;
  }

  synchronized void frameOpened(long now) {
    openFrames++;
    lastActivityNanos = now;
  }

  /**
   * Closes {@code frame}; returns true when the record has now ended (the caller hands it on) or,
   * for a post-handshake record, when a batch of phases is complete.
   */
  synchronized boolean frameClosed(Frame frame, Object result, Throwable error, long now) {
    openFrames--;
    lastActivityNanos = now;
    if (state == ENDED || state == HELD) {
      return false;
    }
    frame.endNanos = now;
    frame.error = error;
    if (frame.kind == Frame.Kind.VALIDATE_CHAIN && result != null) {
      peerChain = result; // X509Certificate[], or the encoded TLS 1.3 entries when it failed
    }
    if (frame.kind == Frame.Kind.CHECK_REVOCATION && error != null && revocationError == null) {
      revocationError = error;
    }
    if (frame.isExported()) {
      addPhase(frame);
    }
    if (openFrames > 0) {
      return false;
    }
    if (parentHandshake != null) {
      return phases != null && !phases.isEmpty();
    }
    return state == ENDING && end(now);
  }

  /** Takes the phases of a complete post-handshake batch. */
  synchronized List<Frame> takePostHandshakeBatch() {
    // Handed over whole (the next batch starts a new list): no copy on the handshake thread.
    List<Frame> batch = phases == null ? new ArrayList<>() : phases;
    phases = null;
    return batch;
  }

  /**
   * The handshake succeeded; returns true when the record ended now (no frame open). With {@code
   * hold} it is held for the peer's verdict instead of ending ({@link #releaseHeld}, {@link
   * #failHeld}).
   */
  synchronized boolean succeed(Object hc, Object tc, Object session, boolean hold, long now) {
    if (state != ACTIVE) {
      return false;
    }
    state = ENDING;
    outcome = Outcome.SUCCEEDED;
    holdForVerdict = hold;
    keepEndObjects(hc, tc, session);
    return openFrames == 0 && end(now);
  }

  /** The held success stands (the peer accepted, closed, or did not answer in time). */
  synchronized boolean releaseHeld() {
    if (state != HELD) {
      return false;
    }
    state = ENDED;
    return true;
  }

  /**
   * The peer rejected the held handshake: it ends now as a failure, {@code alertFrame} (a {@code
   * receive alert} phase) being where it failed. Returns false when it was not held.
   */
  synchronized boolean failHeld(
      Object alert,
      boolean received,
      String message,
      Throwable thrown,
      Frame alertFrame,
      long now) {
    if (state != HELD) {
      return false;
    }
    outcome = Outcome.FAILED;
    rejectedAfterFinished = true;
    this.alert = alert;
    this.alertReceived = received;
    this.failureMessage = message;
    this.thrown = thrown;
    this.failedFrame = alertFrame;
    addPhase(alertFrame);
    endNanos = now;
    state = ENDED;
    return true;
  }

  /** The handshake failed with a fatal alert; returns true when the record ended now. */
  synchronized boolean fail(
      Object hc,
      Object tc,
      Object session,
      Object alert,
      boolean received,
      String message,
      Throwable thrown,
      Frame failedFrame,
      long now) {
    if (state != ACTIVE) {
      return false;
    }
    state = ENDING;
    outcome = Outcome.FAILED;
    keepEndObjects(hc, tc, session);
    this.alert = alert;
    this.alertReceived = received;
    this.failureMessage = message;
    this.thrown = thrown;
    this.failedFrame = failedFrame;
    return openFrames == 0 && end(now);
  }

  /**
   * The handshake will not finish. With {@code force} it ends now even with frames open (the
   * sweeper); otherwise when the last open frame closes. Returns true when it ended now.
   */
  synchronized boolean abandon(String reason, Object hc, Object tc, boolean force, long now) {
    if (state == ENDED || state == HELD || (state == ENDING && !force)) {
      return false;
    }
    if (state == ACTIVE) {
      outcome = Outcome.ABANDONED;
      abandonReason = reason;
      keepEndObjects(hc, tc, null);
    }
    state = ENDING;
    return (force || openFrames == 0) && end(now);
  }

  private void addPhase(Frame frame) {
    if (phases == null) {
      phases = new ArrayList<>(8);
    }
    phases.add(frame);
  }

  private void keepEndObjects(Object hc, Object tc, Object session) {
    this.endHandshakeContext = hc;
    this.endTransportContext = tc;
    this.endSession = session;
  }

  private boolean end(long now) {
    state = outcome == Outcome.SUCCEEDED && holdForVerdict ? HELD : ENDED;
    endNanos = now;
    Object t = transport.get();
    if (t instanceof SSLEngine) {
      SSLEngine e = (SSLEngine) t;
      peerHost = e.getPeerHost();
      peerPort = e.getPeerPort();
    } else if (t instanceof Socket) {
      // Plain java.net.Socket getters: no SSLSocket lock, no handshake, no DNS.
      Socket s = (Socket) t;
      socketPeerAddress = s.getInetAddress();
      socketPeerPort = s.getPort();
      socketLocalPort = s.getLocalPort();
    }
    return state == ENDED;
  }

  /**
   * Drops the strong references to the JDK objects kept for the export thread. Called once the
   * record was exported (or dropped): the record stays mapped from its connection, which must not
   * be kept alive by it.
   */
  public synchronized void releaseEndObjects() {
    endHandshakeContext = null;
    endTransportContext = null;
    endSession = null;
    // It may carry PSK identities and binders: no copy outlives the export.
    clientHello = null;
  }

  /** For the export thread: the phases, in the order they closed. */
  public synchronized List<Frame> phases() {
    return phases == null ? new ArrayList<>() : new ArrayList<>(phases);
  }

  public Object applicationParent() {
    return applicationParent;
  }

  /**
   * Whether the recorded phases tell a HelloRetryRequest apart (SunJSSE's do; other providers' do
   * not, or run the messages natively), so whether {@code handshake.hello_retry} is known.
   */
  public boolean knowsHelloRetry() {
    return !viaProviderBridge;
  }

  /** The provider that ran the handshake ({@code SunJSSE}, {@code BCJSSE}, {@code OpenSSL}). */
  public String provider() {
    return provider;
  }

  /**
   * The provider's library flavour and version where it has one ({@code BoringSSL (netty-tcnative
   * 2.0.84.Final)}), else null.
   */
  public String library() {
    return library;
  }

  /** Notes a provider event; ignored once the record ended or when the bound is reached. */
  synchronized void event(String name, long now) {
    if (state == ENDED || name == null) {
      return;
    }
    if (eventNames == null) {
      eventNames = new ArrayList<>(4);
      eventNanos = new ArrayList<>(4);
    }
    if (eventNames.size() < MAX_EVENTS) {
      eventNames.add(name);
      eventNanos.add(now);
    }
    lastActivityNanos = now;
  }

  /** The provider's events, in order (bounded names); empty for SunJSSE handshakes. */
  public synchronized List<String> eventNames() {
    return eventNames == null ? List.of() : new ArrayList<>(eventNames);
  }

  /** When each of {@link #eventNames()} happened ({@code System.nanoTime()}). */
  public synchronized List<Long> eventNanos() {
    return eventNanos == null ? List.of() : new ArrayList<>(eventNanos);
  }

  /** Whether the provider reported the event {@code name}. */
  public synchronized boolean hasEvent(String name) {
    return eventNames != null && eventNames.contains(name);
  }

  public boolean isClient() {
    return client;
  }

  public boolean isEngine() {
    return engine;
  }

  public long startNanos() {
    return startNanos;
  }

  public synchronized long endNanos() {
    return endNanos;
  }

  public synchronized Outcome outcome() {
    return outcome;
  }

  public synchronized Object alert() {
    return alert;
  }

  public synchronized boolean alertReceived() {
    return alertReceived;
  }

  public synchronized String failureMessage() {
    return failureMessage;
  }

  public synchronized Throwable thrown() {
    return thrown;
  }

  public synchronized Frame failedFrame() {
    return failedFrame;
  }

  /**
   * True when a TLS 1.3 server rejected this client with a fatal alert after the client's Finished
   * (the failed phase is then the {@code receive alert} that carried the verdict).
   */
  public synchronized boolean rejectedAfterFinished() {
    return rejectedAfterFinished;
  }

  public synchronized String abandonReason() {
    return abandonReason;
  }

  synchronized Object endHandshakeContext() {
    return endHandshakeContext;
  }

  synchronized Object endTransportContext() {
    return endTransportContext;
  }

  synchronized Object endSession() {
    return endSession;
  }

  /** The first client_hello wins: after a HelloRetryRequest the second one differs (cookie). */
  synchronized void clientHello(byte[] body) {
    if (state != ENDED && clientHello == null) {
      clientHello = body;
    }
  }

  synchronized byte[] clientHello() {
    return clientHello;
  }

  /**
   * The exception the first failed revocation check threw, or null: a {@code
   * CertPathValidatorException} whose reason is {@code REVOKED} or {@code
   * UNDETERMINED_REVOCATION_STATUS}. When it failed the handshake it is also in the cause chain of
   * {@link #thrown()}; a check that threw while a path builder then found another path is kept too.
   */
  public synchronized Throwable revocationError() {
    return revocationError;
  }

  synchronized Object peerChain() {
    return peerChain;
  }

  /** Both chains as the session gave them when the handshake ended (see {@link #localChain()}). */
  synchronized void keepChains(Object local, Object peer) {
    localChain = local;
    if (peer != null) {
      peerChain = peer;
    }
  }

  /** The local chain kept at the end for a session that goes with its connection, or null. */
  synchronized Object localChain() {
    return localChain;
  }

  synchronized InetAddress socketPeerAddress() {
    return socketPeerAddress;
  }

  synchronized int socketPeerPort() {
    return socketPeerPort;
  }

  synchronized int socketLocalPort() {
    return socketLocalPort;
  }

  synchronized String peerHost() {
    return peerHost;
  }

  synchronized int peerPort() {
    return peerPort;
  }

  /** The last phase that closed, or null. */
  public synchronized Frame lastPhase() {
    return phases == null || phases.isEmpty() ? null : phases.get(phases.size() - 1);
  }

  /**
   * Span context slot for post-handshake phases: the export thread stores the root span's context
   * here (as an opaque object) once the root was exported.
   */
  public volatile Object exportedRoot;
}
