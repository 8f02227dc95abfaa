package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.tracking.tcnative.BoringSslErrors;
import dev.handshakeagent.agent.tracking.tcnative.BoringSslSessions;
import dev.handshakeagent.bridge.ProviderListener;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Turns the events of TLS providers other than SunJSSE ({@link
 * dev.handshakeagent.bridge.ProviderBridge}) into the same {@link HandshakeRecord}s SunJSSE
 * handshakes get: one open record per connection object (its {@code SSLEngine} or {@code
 * SSLSocket}, held weakly, by identity), phases from {@link #messageEnter}/{@link
 * #validateEnter}/{@link #exit} as {@link Frame}s of the same kinds, ended exactly once by {@link
 * #finished}, {@link #failed}, {@link #closed} or the sweeper, then handed to the same sink. The
 * facts of these records are read on the export thread from public API only ({@link
 * ProviderFacts}), so telemetry sees no difference beyond {@link HandshakeRecord#provider()}.
 *
 * <p>Hooks that see only a provider object of their own (a protocol engine, a TLS peer) name it
 * after {@link #alias} linked it to the connection (or to another alias of it); aliases are held
 * weakly on both sides.
 *
 * <p>Provider events ({@link #event}) are kept on the record as bounded names with their times; the
 * telemetry layer shows them as span events of the root ({@code session_reused} also makes {@code
 * tls.resumed} true, {@code certificate_requested} makes a client's {@code handshake.client_auth}
 * {@code requested}).
 *
 * <p>Runs on the application's threads: it stores references and timestamps, plus three getters of
 * the connection: {@code getNeedClientAuth}/{@code getWantClientAuth} (server side, at {@code
 * started}), {@code getApplicationProtocol} (at {@code finished}) and {@code getHandshakeSession}
 * (at {@code failed}); and for BoringSSL sessions, which go with their connection, the session's
 * certificate arrays at {@code finished} ({@link BoringSslSessions}). Hooks must therefore report
 * these events on the thread running the handshake, which already holds the connection's own lock
 * where the provider has one. Owned by {@link HandshakeTracker}, which sweeps and ends its records
 * along with SunJSSE's.
 */
public final class ProviderTracker implements ProviderListener {

  private final HandshakeTracker owner;
  private final WeakIdentityMap<HandshakeRecord> byConnection = new WeakIdentityMap<>();

  /**
   * Provider objects events may name instead of the connection ({@link #alias}), to what they stand
   * for. Both sides weak: the connection usually references its alias, and a strong value would
   * keep both alive.
   */
  private final WeakIdentityMap<WeakReference<Object>> aliases = new WeakIdentityMap<>();

  /** Longest alias chain followed (protocol -> peer -> connection). */
  private static final int MAX_ALIAS_HOPS = 4;

  private final ThreadLocal<ArrayList<Frame>> stacks = ThreadLocal.withInitial(ArrayList::new);

  /** Providers whose internals did not match the model: their events are ignored. */
  private final Set<String> disabled = ConcurrentHashMap.newKeySet();

  ProviderTracker(HandshakeTracker owner) {
    this.owner = owner;
  }

  /**
   * Ignores every later handshake of {@code provider} (its hooks did not match the model; those
   * already applied to other classes stay quiet).
   */
  public void disable(String provider) {
    disabled.add(provider);
  }

  /** Connection objects still mapped to records (after dropping the collected ones). */
  int trackedObjects() {
    byConnection.expunge();
    aliases.expunge();
    return byConnection.size() + aliases.size();
  }

  void expunge() {
    byConnection.expunge();
    aliases.expunge();
  }

  @Override
  public void alias(Object internal, Object target) {
    if (internal != null && target != null && internal != target) {
      aliases.put(internal, new WeakReference<>(target));
    }
  }

  /** The connection {@code key} names: itself, or what its alias chain ends at. */
  private Object resolve(Object key) {
    Object k = key;
    for (int i = 0; i < MAX_ALIAS_HOPS && k != null; i++) {
      WeakReference<Object> next = aliases.get(k);
      if (next == null) {
        return k;
      }
      k = next.get();
    }
    return k;
  }

  @Override
  public void started(Object key, String provider, String library, boolean client) {
    Object connection = resolve(key);
    if (connection == null || provider == null || disabled.contains(provider)) {
      return;
    }
    HandshakeRecord open = byConnection.get(connection);
    if (open != null && open.isActive()) {
      return; // one handshake per connection at a time
    }
    if (client && connection instanceof SSLEngine && owner.isIgnored((SSLEngine) connection)) {
      return; // the agent's own exporter
    }
    if (library == null) {
      library = ProviderLibraries.of(provider, connection);
    }
    long now = System.nanoTime();
    HandshakeRecord r = new HandshakeRecord(null, connection, client, now, null, provider, library);
    r.startEpochMillis = System.currentTimeMillis();
    r.applicationParent = owner.applicationParent();
    if (!client) {
      r.serverClientAuth = clientAuth(connection);
    }
    byConnection.put(connection, r);
    owner.track(r);
  }

  @Override
  public void messageEnter(Object connection, boolean send, int wireType) {
    push(connection, send ? Frame.Kind.SEND : Frame.Kind.RECEIVE).wireType = wireType & 0xFF;
  }

  @Override
  public void validateEnter(Object connection) {
    push(connection, Frame.Kind.VALIDATE_CHAIN);
  }

  @Override
  public void exit(Object connection, Throwable thrown) {
    ArrayList<Frame> stack = stacks.get();
    int i = stack.size() - 1;
    while (i >= 0 && stack.get(i).context != connection) {
      i--;
    }
    if (i < 0) {
      return;
    }
    Frame f = stack.get(i);
    // Normally i is the top; anything above it lost its exit and is discarded.
    while (stack.size() > i) {
      stack.remove(stack.size() - 1).context = null;
    }
    HandshakeRecord r = f.record;
    if (r != null && r.frameClosed(f, null, thrown, System.nanoTime())) {
      owner.ended(r);
    }
  }

  @Override
  public void event(Object connection, String name) {
    HandshakeRecord r = active(connection);
    if (r != null) {
      r.event(name, System.nanoTime());
    }
  }

  @Override
  public void finished(Object connection, Object session) {
    HandshakeRecord r = active(connection);
    if (r == null) {
      return;
    }
    r.applicationProtocol = ProviderFacts.applicationProtocol(r.transport.get());
    if (session instanceof SSLSession
        && BoringSslSessions.certificatesGoWithTheConnection(r.provider())) {
      keepChains(r, (SSLSession) session);
    }
    if (r.succeed(null, null, session, false, System.nanoTime())) {
      owner.ended(r);
    }
  }

  @Override
  public void failed(Object connection, Throwable thrown, String alert, boolean received) {
    HandshakeRecord r = active(connection);
    if (r == null) {
      return; // not traced, or already ended (a close after the failure, a second report)
    }
    Object session = handshakeSession(r.transport.get());
    String message = thrown == null ? null : thrown.getMessage();
    if (alert == null) {
      BoringSslErrors.Alert named = BoringSslErrors.alert(message);
      if (named != null) {
        alert = named.description;
        received = named.received;
      }
    }
    Frame failedFrame = innermostFrame(r);
    if (failedFrame == null) {
      failedFrame = lastFailedPhase(r);
    }
    if (r.fail(
        null, null, session, alert, received, message, thrown, failedFrame, System.nanoTime())) {
      owner.ended(r);
    }
  }

  @Override
  public void closed(Object connection) {
    HandshakeRecord r = active(connection);
    if (r != null
        && r.fail(
            null,
            null,
            null,
            null,
            false,
            "connection closed during the handshake",
            null,
            innermostFrame(r),
            System.nanoTime())) {
      owner.ended(r);
    }
  }

  @Override
  public void suppressed(Throwable error) {
    owner.suppressed(error);
  }

  // ---------------------------------------------------------------- helpers

  private HandshakeRecord active(Object connection) {
    if (connection == null) {
      return null;
    }
    ArrayList<Frame> stack = stacks.get();
    for (int i = stack.size() - 1; i >= 0; i--) {
      Frame f = stack.get(i);
      if (f.context == connection && f.record != null) {
        return f.record.isActive() ? f.record : null;
      }
    }
    HandshakeRecord r = byConnection.get(resolve(connection));
    return r != null && r.isActive() ? r : null;
  }

  private Frame push(Object connection, Frame.Kind kind) {
    return Frame.push(stacks.get(), active(connection), connection, kind);
  }

  private Frame innermostFrame(HandshakeRecord r) {
    ArrayList<Frame> stack = stacks.get();
    for (int i = stack.size() - 1; i >= 0; i--) {
      if (stack.get(i).record == r) {
        return stack.get(i);
      }
    }
    return null;
  }

  /**
   * A provider running its messages natively reports a failure after the Java step that caused it
   * returned: the last phase that threw (the trust manager's rejection) is where it failed.
   */
  private static Frame lastFailedPhase(HandshakeRecord r) {
    List<Frame> phases = r.phases();
    for (int i = phases.size() - 1; i >= 0; i--) {
      if (phases.get(i).error != null) {
        return phases.get(i);
      }
    }
    return null;
  }

  /**
   * The handshake session of a failing connection (its peer chain, when the peer's certificate was
   * received); called on the thread reporting the failure, which runs the handshake.
   */
  private static Object handshakeSession(Object connection) {
    try {
      if (connection instanceof SSLEngine) {
        return ((SSLEngine) connection).getHandshakeSession();
      }
      if (connection instanceof SSLSocket) {
        return ((SSLSocket) connection).getHandshakeSession();
      }
    } catch (RuntimeException e) {
      // not available from this provider: the failure is recorded without it
    }
    return null;
  }

  /**
   * The session's chains, read while the connection is open: a BoringSSL session read later on the
   * agent's thread may already be gone with its connection (an application that closes at once).
   */
  private static void keepChains(HandshakeRecord r, SSLSession session) {
    Object peer = null;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException | RuntimeException e) {
      // the peer sent none
    }
    try {
      r.keepChains(session.getLocalCertificates(), peer);
    } catch (RuntimeException e) {
      // read later from the session, as for other providers
    }
  }

  /** {@code required}, {@code requested} or {@code none}: what a server asks of its clients. */
  private static String clientAuth(Object connection) {
    try {
      if (connection instanceof SSLEngine) {
        SSLEngine e = (SSLEngine) connection;
        return e.getNeedClientAuth() ? "required" : e.getWantClientAuth() ? "requested" : "none";
      }
      if (connection instanceof SSLSocket) {
        SSLSocket s = (SSLSocket) connection;
        return s.getNeedClientAuth() ? "required" : s.getWantClientAuth() ? "requested" : "none";
      }
    } catch (RuntimeException e) {
      // unknown: the attribute is left out
    }
    return null;
  }
}
