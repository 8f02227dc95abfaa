package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.bridge.HandshakeListener;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * Turns the bridge's raw JSSE events into {@link HandshakeRecord}s: one per handshake per side,
 * found by the identity of the JDK's {@code HandshakeContext} (so SSLEngine delegated tasks on any
 * thread land on the right record without thread-locals), ended exactly once, then handed to the
 * {@link HandshakeSink}.
 *
 * <p>A per-thread frame stack gives the nesting of phases and names producer frames by the message
 * they write. Runs on the application's threads: it only reads fields, stores references and
 * timestamps, and never throws to the bridge on purpose (the bridge catches anyway).
 */
public final class HandshakeTracker implements HandshakeListener {

  /**
   * Producers whose message bypasses {@code HandshakeMessage.write}: the record layer delivers it
   * while changing the write cipher, so the frame is named by the producer instead.
   */
  private static final Map<String, String> SELF_DELIVERING_PRODUCERS =
      Map.of(
          SunJsse.CCS_PRODUCER.className, SunJsse.CHANGE_CIPHER_SPEC.name,
          SunJsse.KEY_UPDATE_PRODUCER.className, SunJsse.KEY_UPDATE.name);

  /** Longest client_hello copied for what was offered and the fingerprints. */
  private static final int CLIENT_HELLO_LIMIT = 4096;

  /** RFC 8446 4.1.3: the server_hello random that marks a HelloRetryRequest. */
  private static final byte[] HRR_RANDOM = {
    (byte) 0xCF,
    0x21,
    (byte) 0xAD,
    0x74,
    (byte) 0xE5,
    (byte) 0x9A,
    0x61,
    0x11,
    (byte) 0xBE,
    0x1D,
    (byte) 0x8C,
    0x02,
    0x1E,
    0x65,
    (byte) 0xB8,
    (byte) 0x91,
    (byte) 0xC2,
    (byte) 0xA2,
    0x11,
    0x16,
    0x7A,
    (byte) 0xBB,
    (byte) 0x8C,
    0x5E,
    0x07,
    (byte) 0x9E,
    0x09,
    (byte) 0xE2,
    (byte) 0xC8,
    (byte) 0xA8,
    0x33,
    (byte) 0x9C
  };

  /** TLS record content type of application data. */
  private static final byte APPLICATION_DATA = 23;

  private final HandshakeSink sink;
  private final long abandonTimeoutNanos;
  private final Consumer<Throwable> errorLog;
  private final JsseAccessHolder jsse;
  private final Supplier<Object> applicationParent;

  /**
   * Whether frames are pushed at all (the phase hooks are installed): without them no event can
   * find an open frame, so the ones that only look for one return before any thread-local lookup.
   */
  private final boolean frames;

  private volatile boolean captureOffers = true;
  private volatile long rejectionWaitNanos = TimeUnit.SECONDS.toNanos(2);

  private final WeakIdentityMap<HandshakeRecord> byHandshake = new WeakIdentityMap<>();
  private final WeakIdentityMap<HandshakeRecord> byConnection = new WeakIdentityMap<>();

  /**
   * SSLEngines made while an application span was current, to that span (opaque): the parent of
   * their handshakes that start where none is current. Engines made outside a span add nothing.
   */
  private final WeakIdentityMap<Object> engineParents = new WeakIdentityMap<>();

  private final Set<HandshakeRecord> active = ConcurrentHashMap.newKeySet();

  /** Client successes waiting for the server's verdict (a subset of {@link #active}). */
  private final Set<HandshakeRecord> held = ConcurrentHashMap.newKeySet();

  private final ThreadLocal<ThreadState> threads = ThreadLocal.withInitial(ThreadState::new);
  private final AtomicLong suppressed = new AtomicLong();
  private volatile IgnoredPeers ignored = new IgnoredPeers(Collections.emptySet());

  /** Handshakes of the other TLS providers, ended and swept with these. */
  private final ProviderTracker providers = new ProviderTracker(this);

  /**
   * What every event needs on its thread, behind one thread-local lookup: the frame stack, and a
   * probe reused for the weak maps' lookups (no allocation per lookup).
   */
  private static final class ThreadState {
    final ArrayList<Frame> stack = new ArrayList<>();
    final WeakIdentityMap.Probe probe = new WeakIdentityMap.Probe();
  }

  /** {@code host:port} peers not traced, and their ports (most handshakes differ in the port). */
  private static final class IgnoredPeers {
    final Set<String> hostPorts;

    /**
     * Null when some entry has no numeric port: then only the whole string is compared. An array:
     * checking the port of every client handshake boxes nothing.
     */
    final int[] ports;

    IgnoredPeers(Set<String> hostPorts) {
      this.hostPorts = Set.copyOf(hostPorts);
      Set<Integer> p = new HashSet<>();
      boolean numeric = true;
      for (String hostPort : hostPorts) {
        try {
          p.add(Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
        } catch (NumberFormatException e) {
          numeric = false;
        }
      }
      this.ports = numeric ? p.stream().mapToInt(Integer::intValue).toArray() : null;
    }
  }

  /**
   * @param sink receives ended handshakes
   * @param abandonTimeoutMillis a handshake with no progress for this long ends as abandoned
   * @param jsseAccessFailed told once if this JDK lacks a field the tracker reads
   * @param errorLog told (rate-limited by the caller) about every error a hook swallowed
   * @param applicationParent the application's current span on the thread starting a handshake (an
   *     opaque value for the telemetry layer), or null
   * @param features the features the JDK model check left on: the JSSE members of the others are
   *     not read
   */
  public HandshakeTracker(
      HandshakeSink sink,
      long abandonTimeoutMillis,
      Consumer<ReflectiveOperationException> jsseAccessFailed,
      Consumer<Throwable> errorLog,
      Supplier<Object> applicationParent,
      Set<Feature> features) {
    this.sink = sink;
    this.applicationParent = applicationParent;
    this.abandonTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(abandonTimeoutMillis);
    this.errorLog = errorLog;
    this.jsse = new JsseAccessHolder(jsseAccessFailed, features);
    this.frames = features.contains(Feature.PHASES);
  }

  /**
   * Client handshakes to these {@code host:port} peers are not traced: the agent's own exporter
   * endpoints, so exporting a span never produces another span.
   */
  public void ignorePeers(Set<String> hostPorts) {
    ignored = new IgnoredPeers(hostPorts);
  }

  /**
   * The listener for {@link dev.handshakeagent.bridge.ProviderBridge}: the other TLS providers'
   * handshakes, whose records go to the same sink.
   */
  public ProviderTracker providers() {
    return providers;
  }

  /** Errors swallowed by hooks so far (the bridge counts its own as well). */
  public long suppressedErrors() {
    return suppressed.get();
  }

  /** Handshakes started and not yet ended. */
  public int activeHandshakes() {
    return active.size();
  }

  /**
   * JDK handshake and connection objects the tracker still maps to records, after dropping those
   * that were garbage collected. Back to 0 once the application's connections are gone.
   */
  public int trackedObjects() {
    byHandshake.expunge();
    byConnection.expunge();
    engineParents.expunge();
    return byHandshake.size()
        + byConnection.size()
        + engineParents.size()
        + providers.trackedObjects();
  }

  /**
   * Reads what every ended record needs (the root's name, the metrics), not the detail only an
   * exported root shows; call on the export thread, then {@link #detailFacts} when it is exported.
   */
  public HandshakeFacts coreFacts(HandshakeRecord record) {
    if (record.viaProviderBridge) {
      return ProviderFacts.read(record);
    }
    JsseAccess j = jsse.get();
    return j == null ? null : HandshakeFacts.read(record, j);
  }

  /** Completes {@code f} with the detail of an exported root; export thread, before release. */
  public void detailFacts(HandshakeRecord record, HandshakeFacts f) {
    if (record.viaProviderBridge) {
      ProviderFacts.readDetail(record, f);
      return;
    }
    JsseAccess j = jsse.get();
    if (j != null) {
      HandshakeFacts.readDetail(record, j, f);
    }
  }

  // ---------------------------------------------------------------- bridge events

  @Override
  public void engineCreated(Object engine) {
    Object parent = applicationParent.get();
    if (parent != null) {
      engineParents.put(engine, parent);
    }
  }

  @Override
  public void handshakeStarted(Object hc) {
    JsseAccess j = jsse.get();
    if (j == null) {
      return;
    }
    Object tc = JsseAccess.get(j.hcConContext, hc);
    Object transport = JsseAccess.get(j.tcTransport, tc);
    boolean client = JsseAccess.getBoolean(j.cfgIsClientMode, JsseAccess.get(j.hcSslConfig, hc));
    if (client && transport instanceof SSLEngine && isIgnored((SSLEngine) transport)) {
      return;
    }
    WeakReference<Object> key = byHandshake.weakKey(hc);
    HandshakeRecord r = new HandshakeRecord(key, transport, client, System.nanoTime(), null);
    Object parent = applicationParent.get();
    if (parent == null && transport instanceof SSLEngine) {
      parent = engineParents.get(transport, threads.get().probe);
    }
    r.applicationParent = parent;
    byHandshake.putKey(key, r);
    byConnection.put(tc, r);
    active.add(r);
  }

  @Override
  public void postHandshakeStarted(Object pc) {
    JsseAccess j = jsse.get();
    if (j == null) {
      return;
    }
    Object tc = JsseAccess.get(j.hcConContext, pc);
    HandshakeRecord last = connectionRecord(tc);
    if (last == null) {
      return;
    }
    // A new_session_ticket (or key_update) from the server: it accepted this client.
    releaseIfHeld(last);
    Object transport = JsseAccess.get(j.tcTransport, tc);
    WeakReference<Object> key = byHandshake.weakKey(pc);
    byHandshake.putKey(
        key, new HandshakeRecord(key, transport, last.client, System.nanoTime(), last));
  }

  @Override
  public void consumeEnter(Object hc, byte type, ByteBuffer message) {
    ThreadState state = threads.get();
    HandshakeRecord r = recordOf(state, hc);
    Frame f = push(state, hc, r, Frame.Kind.RECEIVE);
    f.wireType = type & 0xFF;
    f.helloRetry = type == 2 && isHelloRetryRequest(message);
    if (type == 1 && r != null && !r.client && captureOffers && message != null) {
      // A copy of at most 4 KiB, parsed later on the export thread; the JDK's buffer is untouched.
      ByteBuffer copy = message.duplicate();
      byte[] body = new byte[Math.min(copy.remaining(), CLIENT_HELLO_LIMIT)];
      copy.get(body);
      r.clientHello(body);
    }
  }

  /**
   * How long a TLS 1.3 client that answered a certificate_request waits, after its Finished, for
   * the server's first record before its success is handed on (the {@code rejection.wait} option).
   * The server checks the client's certificate only after the client's Finished and rejects it with
   * a fatal alert (RFC 8446 4.4.2.4); a success is held so that such a handshake is exported once,
   * as the failure it is. Only the export waits: the application never does.
   */
  public void rejectionWait(long millis) {
    rejectionWaitNanos = TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** Whether to record what the client offered (the {@code offered} option). */
  public void captureOffers(boolean capture) {
    captureOffers = capture;
  }

  @Override
  public void changeCipherSpecEnter(Object tc) {
    JsseAccess j = jsse.get();
    Object hc = j == null ? null : JsseAccess.get(j.tcHandshakeContext, tc);
    ThreadState state = threads.get();
    Frame f = push(state, tc, recordOf(state, hc), Frame.Kind.RECEIVE);
    f.jdkMessageName = SunJsse.CHANGE_CIPHER_SPEC.name;
  }

  @Override
  public void produceEnter(Object hc, String producer) {
    ThreadState state = threads.get();
    Frame f = push(state, hc, recordOf(state, hc), Frame.Kind.SEND);
    f.jdkMessageName = SELF_DELIVERING_PRODUCERS.get(producer);
  }

  @Override
  public void trustCheckEnter(Object hc) {
    ThreadState state = threads.get();
    push(state, hc, recordOf(state, hc), Frame.Kind.VALIDATE_CHAIN);
  }

  @Override
  public void revocationCheckEnter(Object certificate) {
    ThreadState state = threads.get();
    HandshakeRecord r = currentRecord(state);
    if (r != null) {
      push(state, certificate, r, Frame.Kind.CHECK_REVOCATION).certificate = certificate;
    }
  }

  @Override
  public void revocationFetchEnter(Object context, Object uri, boolean ocsp) {
    ThreadState state = threads.get();
    HandshakeRecord r = currentRecord(state);
    if (r != null) {
      push(state, context, r, ocsp ? Frame.Kind.FETCH_OCSP : Frame.Kind.FETCH_CRL).url = uri;
    }
  }

  @Override
  public void revocationFetchExit(Object context, boolean network, Throwable thrown) {
    ArrayList<Frame> stack = threads.get().stack;
    int top = stack.size() - 1;
    if (top < 0 || stack.get(top).context != context) {
      return; // not opened (no handshake on this thread): nothing to close
    }
    stack.get(top).cached = !network;
    frameExit(context, null, thrown);
  }

  @Override
  public void frameExit(Object context, Object result, Throwable thrown) {
    ArrayList<Frame> stack = threads.get().stack;
    int i = stack.size() - 1;
    while (i >= 0 && stack.get(i).context != context) {
      i--;
    }
    if (i < 0) {
      return;
    }
    Frame f = stack.get(i);
    // Normally i is the top; anything above it lost its exit event and is discarded.
    while (stack.size() > i) {
      stack.remove(stack.size() - 1).context = null;
    }
    HandshakeRecord r = f.record;
    if (r == null) {
      return;
    }
    if (result instanceof List) {
      // TLS 1.3 entries of a rejected chain: keep only their encoded bytes, since the entries
      // reach back to the handshake context through their extensions.
      result = encodedEntries((List<?>) result);
    }
    if (r.frameClosed(f, result, thrown, System.nanoTime())) {
      if (r.parentHandshake != null) {
        sink.postHandshake(r.parentHandshake, r.takePostHandshakeBatch());
      } else {
        ended(r);
      }
    }
  }

  @Override
  public void messageWritten(Object message, Object outStream) {
    ArrayList<Frame> stack = threads.get().stack;
    if (stack.isEmpty()) {
      return;
    }
    Frame top = stack.get(stack.size() - 1);
    if (top.record == null || top.kind != Frame.Kind.SEND || top.jdkMessageName != null) {
      return;
    }
    JsseAccess j = jsse.get();
    Object hc = JsseAccess.get(j.msgHandshakeContext, message);
    // PSK binders and transcript hashes serialize messages into scratch streams: skip those.
    if (hc != top.context || outStream != JsseAccess.get(j.hcHandshakeOutput, hc)) {
      return;
    }
    Object type = JsseAccess.invoke(j.msgHandshakeType, message);
    if (type instanceof Enum) {
      top.jdkMessageName = ((Enum<?>) type).name();
    }
  }

  @Override
  public void messageComplete(Object outStream) {
    if (!captureOffers || !frames) {
      return;
    }
    ArrayList<Frame> stack = threads.get().stack;
    if (stack.isEmpty()) {
      return;
    }
    Frame top = stack.get(stack.size() - 1);
    HandshakeRecord r = top.record;
    // Only this client's own client_hello: messageWritten named the frame just before.
    if (r == null || !r.client || !SunJsse.CLIENT_HELLO.name.equals(top.jdkMessageName)) {
      return;
    }
    JsseAccess j = jsse.get();
    // PSK binders and transcript hashes use scratch streams: only the real output counts.
    if (outStream != JsseAccess.get(j.hcHandshakeOutput, top.context)
        || !(outStream instanceof ByteArrayOutputStream)) {
      return;
    }
    ByteArrayOutputStream hos = (ByteArrayOutputStream) outStream;
    if (hos.size() <= CLIENT_HELLO_LIMIT) {
      // A copy (header and body), parsed for the fingerprints on the export thread.
      r.clientHello(hos.toByteArray());
    }
  }

  @Override
  public void handshakeFinished(Object tc) {
    HandshakeRecord r = connectionRecord(tc);
    if (r == null) {
      return;
    }
    JsseAccess j = jsse.get();
    Object hc = JsseAccess.get(j.tcHandshakeContext, tc);
    Object session = JsseAccess.get(j.tcConSession, tc);
    long now = System.nanoTime();
    // Only a client that answered a TLS 1.3 certificate_request (the only handshakes that set
    // certRequestContext) can still be rejected after its Finished; no other success waits.
    long wait = rejectionWaitNanos;
    boolean hold =
        r.client && wait > 0 && hc != null && JsseAccess.get(j.hcCertRequestContext, hc) != null;
    if (hold) {
      r.holdUntilNanos = now + wait;
      held.add(r);
    }
    if (r.succeed(hc, tc, session, hold, now)) {
      ended(r);
    }
  }

  @Override
  public void fatal(
      Object tc,
      Object alert,
      String message,
      boolean received,
      Throwable cause,
      Throwable thrown) {
    JsseAccess j = jsse.get();
    if (j == null) {
      return;
    }
    HandshakeRecord r = connectionRecord(tc);
    long now = System.nanoTime();
    boolean negotiated = JsseAccess.getBoolean(j.tcIsNegotiated, tc);
    if (r != null && held.contains(r)) {
      // The server's verdict on a held client: its first record after the client's Finished is
      // a fatal alert (or the connection broke before it accepted). The handshake failed.
      Object d = alert == null ? null : JsseAccess.get(j.alertDescription, alert);
      Frame f = Frame.alert(d instanceof String ? (String) d : null, received, thrown, now);
      if (r.failHeld(alert, received, message, thrown, f, now)) {
        held.remove(r);
        ended(r);
        return;
      }
    }
    if (r != null && !r.isActive()) {
      if (negotiated) {
        // After the handshake: shown under the connection's last handshake, as the alert that
        // ended the connection (a TLS 1.3 server rejects a client certificate only after the
        // client finished).
        Object d = alert == null ? null : JsseAccess.get(j.alertDescription, alert);
        sink.postHandshake(
            r,
            List.of(Frame.alert(d instanceof String ? (String) d : null, received, thrown, now)));
      }
      return; // otherwise this handshake already ended (abandoned), and is not counted twice
    }
    if (r == null) {
      if (negotiated) {
        return; // a connection established before the agent attached
      }
      // Failure before any handshake context existed (for example no protocol enabled).
      Object transport = JsseAccess.get(j.tcTransport, tc);
      boolean client = JsseAccess.getBoolean(j.cfgIsClientMode, JsseAccess.get(j.tcSslConfig, tc));
      r = new HandshakeRecord(null, transport, client, now, null);
      byConnection.put(tc, r);
      active.add(r);
    }
    Object hc = r.handshakeContext == null ? null : r.handshakeContext.get();
    Object session = hc == null ? null : JsseAccess.get(j.hcHandshakeSession, hc);
    Frame failedFrame = innermostFrame(r);
    if (r.fail(hc, tc, session, alert, received, message, thrown, failedFrame, now)) {
      ended(r);
    }
  }

  @Override
  public void closing(Object tc) {
    HandshakeRecord r = connectionRecord(tc);
    if (r == null) {
      return;
    }
    JsseAccess j = jsse.get();
    if (JsseAccess.get(j.tcCloseReason, tc) != null) {
      return; // a fatal alert is closing it: fatal() decides
    }
    // A held client closed (by the application, or the server's close_notify) before any verdict:
    // the success stands.
    releaseIfHeld(r);
    if (!r.isActive() || JsseAccess.get(j.tcHandshakeContext, tc) == null) {
      return;
    }
    Object hc = r.handshakeContext == null ? null : r.handshakeContext.get();
    if (r.abandon(
        "closed by the application during the handshake", hc, tc, false, System.nanoTime())) {
      ended(r);
    }
  }

  @Override
  public void recordDecoded(Object tc, Object plaintext) {
    if (held.isEmpty()) {
      return; // every read of every connection comes here: nothing to do in the usual case
    }
    HandshakeRecord r = connectionRecord(tc);
    if (r == null || !held.contains(r)) {
      return;
    }
    JsseAccess j = jsse.get();
    Object type = plaintext == null ? null : JsseAccess.get(j.plaintextContentType, plaintext);
    if (type instanceof Byte && (Byte) type == APPLICATION_DATA) {
      releaseIfHeld(r); // the server's first application data: it accepted this client
    }
  }

  @Override
  public void suppressed(Throwable error) {
    suppressed.incrementAndGet();
    errorLog.accept(error);
  }

  // ---------------------------------------------------------------- sweeping

  /**
   * Ends handshakes that will never finish: idle past the abandon timeout, or whose connection
   * object was garbage collected. Called periodically from the agent's own thread.
   */
  public void sweep() {
    long now = System.nanoTime();
    byHandshake.expunge();
    byConnection.expunge();
    engineParents.expunge();
    providers.expunge();
    for (HandshakeRecord r : active) {
      String reason = null;
      if (r.transport.get() == null
          || (r.handshakeContext != null && r.handshakeContext.get() == null)) {
        reason = "connection discarded before the handshake finished";
      } else if (now - r.lastActivityNanos > abandonTimeoutNanos) {
        reason =
            "no handshake progress for "
                + TimeUnit.NANOSECONDS.toMillis(abandonTimeoutNanos)
                + " ms";
      }
      if (reason != null) {
        Object hc = r.handshakeContext == null ? null : r.handshakeContext.get();
        if (r.abandon(reason, hc, null, true, now)) {
          ended(r);
        }
      }
    }
  }

  /**
   * Hands on the held client successes whose wait for the server's verdict is over. Called from the
   * agent's own thread, often (a few times a second).
   */
  public void endHeldPastWait() {
    if (held.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (HandshakeRecord r : held) {
      if (now - r.holdUntilNanos >= 0 || r.transport.get() == null) {
        releaseIfHeld(r);
      }
    }
  }

  /** Ends every handshake still running (JVM shutdown), so none is left open. */
  public void abandonAll(String reason) {
    for (HandshakeRecord r : held) {
      releaseIfHeld(r); // their handshakes did finish; no verdict came in time
    }
    long now = System.nanoTime();
    for (HandshakeRecord r : active) {
      Object hc = r.handshakeContext == null ? null : r.handshakeContext.get();
      if (r.abandon(reason, hc, null, true, now)) {
        ended(r);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void releaseIfHeld(HandshakeRecord r) {
    if (!held.isEmpty() && held.contains(r) && r.releaseHeld()) {
      held.remove(r);
      ended(r);
    }
  }

  void ended(HandshakeRecord r) {
    active.remove(r);
    sink.handshakeEnded(r);
  }

  /** A provider record started: swept and ended with the others. */
  void track(HandshakeRecord r) {
    active.add(r);
  }

  /** The application's current span on this thread (opaque), or null. */
  Object applicationParent() {
    return applicationParent.get();
  }

  private byte[][] encodedEntries(List<?> entries) {
    JsseAccess j = jsse.get();
    Object[] all = entries.toArray();
    byte[][] out = new byte[all.length][];
    for (int i = 0; i < all.length; i++) {
      Object der = JsseAccess.get(j.certificateEntryEncoded, all[i]);
      if (!(der instanceof byte[])) {
        return null;
      }
      out[i] = (byte[]) der;
    }
    return out;
  }

  private Frame push(ThreadState state, Object context, HandshakeRecord r, Frame.Kind kind) {
    return Frame.push(state.stack, r, context, kind);
  }

  /**
   * The handshake whose frame is innermost on this thread: revocation hooks get no handshake
   * object, but run inside the trust manager call that the VALIDATE_CHAIN frame wraps, on the same
   * thread.
   */
  private HandshakeRecord currentRecord(ThreadState state) {
    ArrayList<Frame> stack = state.stack;
    for (int i = stack.size() - 1; i >= 0; i--) {
      HandshakeRecord r = stack.get(i).record;
      if (r != null) {
        return r.isActive() ? r : null;
      }
    }
    return null;
  }

  private Frame innermostFrame(HandshakeRecord r) {
    ArrayList<Frame> stack = threads.get().stack;
    for (int i = stack.size() - 1; i >= 0; i--) {
      if (stack.get(i).record == r) {
        return stack.get(i);
      }
    }
    return null;
  }

  /** Whether a client handshake on {@code engine} goes to one of the agent's own endpoints. */
  boolean isIgnored(SSLEngine engine) {
    IgnoredPeers i = ignored;
    if (i.hostPorts.isEmpty()) {
      return false;
    }
    if (i.ports != null && !contains(i.ports, engine.getPeerPort())) {
      return false; // no string built for the usual handshake
    }
    return i.hostPorts.contains(engine.getPeerHost() + ":" + engine.getPeerPort());
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }

  /** The last handshake record of connection {@code tc}, or null. */
  private HandshakeRecord connectionRecord(Object tc) {
    return byConnection.get(tc, threads.get().probe);
  }

  /**
   * The record of {@code hc}: from a frame of it already open on this thread (a producer inside a
   * consumer, the usual nesting) without a map lookup, else from the map.
   */
  private HandshakeRecord recordOf(ThreadState state, Object hc) {
    if (hc == null) {
      return null;
    }
    ArrayList<Frame> stack = state.stack;
    for (int i = stack.size() - 1; i >= 0; i--) {
      Frame f = stack.get(i);
      if (f.context == hc) {
        return f.record;
      }
    }
    return byHandshake.get(hc, state.probe);
  }

  /** Absolute reads only: the JDK's buffer position is left untouched. */
  static boolean isHelloRetryRequest(ByteBuffer message) {
    if (message == null || message.remaining() < 1) {
      return false;
    }
    int p = message.position();
    // The buffer starts at the body (legacy_version 0x0303) or at the 4-byte message header.
    int random = message.get(p) == 0x03 ? p + 2 : p + 6;
    if (message.limit() < random + HRR_RANDOM.length) {
      return false;
    }
    for (int i = 0; i < HRR_RANDOM.length; i++) {
      if (message.get(random + i) != HRR_RANDOM[i]) {
        return false;
      }
    }
    return true;
  }

  /** Resolves {@link JsseAccess} on first use, so a JVM without TLS traffic never pays for it. */
  private static final class JsseAccessHolder {
    private final Consumer<ReflectiveOperationException> onFailure;
    private final Set<Feature> features;
    private volatile JsseAccess access;
    private volatile boolean failed;

    JsseAccessHolder(Consumer<ReflectiveOperationException> onFailure, Set<Feature> features) {
      this.onFailure = onFailure;
      this.features = features;
    }

    JsseAccess get() {
      JsseAccess a = access;
      if (a != null || failed) {
        return a;
      }
      synchronized (this) {
        if (access == null && !failed) {
          try {
            access = new JsseAccess(features);
          } catch (ReflectiveOperationException | RuntimeException e) {
            failed = true;
            onFailure.accept(
                e instanceof ReflectiveOperationException
                    ? (ReflectiveOperationException) e
                    : new ReflectiveOperationException(e));
          }
        }
        return access;
      }
    }
  }
}
