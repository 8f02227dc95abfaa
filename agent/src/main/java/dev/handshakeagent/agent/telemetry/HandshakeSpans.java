package dev.handshakeagent.agent.telemetry;

import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.ABANDON_REASON;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.ALERT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.ALERT_ORIGIN;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.API;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CLIENT_ADDRESS;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CLIENT_AUTH;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CLIENT_PORT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CLIENT_ROOT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.DIRECTION;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.ERROR_TYPE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.FAILED_PHASE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.HELLO_RETRY;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.KEPT_BECAUSE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.KEPT_ERROR;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.KEPT_SAMPLED;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.KEPT_SLOW;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.MESSAGE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.NETWORK_PEER_ADDRESS;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.NETWORK_PEER_PORT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.POST_HANDSHAKE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.PROVIDER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.RECEIVE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.ROLE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.SEND;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.SERVER_ADDRESS;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.SERVER_PORT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.SERVER_ROOT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CIPHER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CLIENT_HASH_SHA256;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CLIENT_ISSUER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CLIENT_NOT_AFTER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CLIENT_NOT_BEFORE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CLIENT_SUBJECT;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_CURVE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_ESTABLISHED;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_NEXT_PROTOCOL;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_PROTOCOL_NAME;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_PROTOCOL_VERSION;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_RESUMED;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_SERVER_HASH_SHA256;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_SERVER_ISSUER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_SERVER_NOT_AFTER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_SERVER_NOT_BEFORE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.TLS_SERVER_SUBJECT;

import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.net.SocketException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Builds the spans of one ended handshake: the root span with its attributes, and one child span
 * per phase, with the timestamps recorded on the handshake thread. Values the metrics, the console
 * and the diagnosis show too come from {@link HandshakeValues}. Runs on the export thread only.
 *
 * <p>Two ways to the exporter, with the same fields: when the SDK's pipeline is at hand ({@link
 * DirectSpans}), the spans of a handshake without exceptions are made as {@link HandshakeSpanData}
 * and handed to its span processors directly, which costs a fraction of building them through the
 * tracer; a failed handshake (its exception events are the SDK's to record) and a pipeline that is
 * not at hand go through the tracer.
 */
final class HandshakeSpans {
  private final Tracer tracer;
  private final DirectSpans direct;
  private final boolean phases;
  private final long slowThresholdNanos;
  private final boolean offered;

  /** Wall-clock epoch nanos at {@link #baseNanoTime}, so nanoTime stamps become span timestamps. */
  private final long baseEpochNanos;

  private final long baseNanoTime;

  /**
   * @param direct the SDK pipeline spans can be handed to directly, or null (everything goes
   *     through {@code tracer})
   */
  HandshakeSpans(
      Tracer tracer,
      DirectSpans direct,
      String version,
      boolean phases,
      long slowThresholdNanos,
      boolean offered) {
    this.tracer = tracer;
    this.direct = direct;
    if (direct != null) {
      direct.scope(HandshakeSemconv.SCOPE, version);
    }
    this.offered = offered;
    this.phases = phases;
    this.slowThresholdNanos = slowThresholdNanos;
    Instant now = Instant.now();
    this.baseNanoTime = System.nanoTime();
    this.baseEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }

  private long epoch(long nanoTime) {
    return baseEpochNanos + (nanoTime - baseNanoTime);
  }

  /**
   * Exports {@code r}; returns the root's span context (for post-handshake phases). The sampling
   * decision comes first, from the root's name and keep reason alone: a root the sampler drops
   * costs no attributes, no phase spans and no {@code detail} (the facts only an exported root
   * shows, read by that callback before anything else is set).
   */
  SpanContext export(HandshakeRecord r, HandshakeFacts f, Runnable detail) {
    String serverAddress = HandshakeValues.serverAddress(r, f);
    String name =
        r.isClient()
            ? (serverAddress == null ? CLIENT_ROOT : CLIENT_ROOT + " " + serverAddress)
            : SERVER_ROOT;
    SpanContext parent = SpanContext.getInvalid();
    Object application = r.applicationParent();
    if (application instanceof ApplicationSpan.Parent) {
      ApplicationSpan.Parent p = (ApplicationSpan.Parent) application;
      parent =
          SpanContext.create(
              p.traceId, p.spanId, TraceFlags.fromByte(p.flags), TraceState.getDefault());
    }
    // Decided now that the outcome is known; KeepSampler keeps failed and slow ones whatever the
    // configured sampler says.
    String kept =
        r.outcome() != HandshakeRecord.Outcome.SUCCEEDED
            ? KEPT_ERROR
            : r.endNanos() - r.startNanos() >= slowThresholdNanos ? KEPT_SLOW : KEPT_SAMPLED;
    if (direct != null && r.outcome() == HandshakeRecord.Outcome.SUCCEEDED) {
      SpanContext exported = exportDirect(r, f, detail, name, parent, kept, serverAddress);
      if (exported != null) {
        return exported;
      }
    }
    SpanBuilder b = tracer.spanBuilder(name);
    b.setParent(parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root());
    b.setSpanKind(SpanKind.INTERNAL).setStartTimestamp(epoch(r.startNanos()), TimeUnit.NANOSECONDS);
    b.setAttribute(KEPT_BECAUSE, kept);
    Span root = b.startSpan();
    if (!root.isRecording()) {
      return root.getSpanContext(); // not sampled: nothing more is built for it
    }
    detail.run();
    List<Frame> frames = phases ? HandshakeValues.sorted(r.phases()) : List.of();
    root.setAllAttributes(rootAttributes(r, f, serverAddress).build());
    if (r.outcome() != HandshakeRecord.Outcome.SUCCEEDED) {
      String description =
          r.outcome() == HandshakeRecord.Outcome.ABANDONED
              ? "handshake abandoned: " + r.abandonReason()
              : shown(r) != null ? shown(r).getMessage() : r.failureMessage();
      root.setStatus(StatusCode.ERROR, description == null ? "" : description);
      if (shown(r) != null) {
        root.recordException(shown(r));
      }
    }
    List<String> events = r.eventNames();
    if (!events.isEmpty()) {
      // What a provider reported without a step of its own (session_reused, ...): bounded names.
      List<Long> at = r.eventNanos();
      for (int i = 0; i < events.size(); i++) {
        root.addEvent(events.get(i), epoch(at.get(i)), TimeUnit.NANOSECONDS);
      }
    }
    Map<Frame, Span> spans = new IdentityHashMap<>();
    Frame failed = HandshakeValues.failedPhase(r);
    for (Frame fr : frames) {
      Frame parentFrame = fr.exportedParent();
      Span parentSpan = parentFrame == null ? root : spans.getOrDefault(parentFrame, root);
      AttributesBuilder a = phaseAttributes(fr);
      if (fr == failed) {
        a.put(ERROR_TYPE, HandshakeValues.errorType(r, f));
      }
      Span s = phaseSpan(fr, Context.root().with(parentSpan), a.build());
      if (fr == failed) {
        s.setStatus(StatusCode.ERROR); // replaces the description, as it always did
      }
      spans.put(fr, s);
    }
    // End children after parents were started; ends carry their own timestamps.
    for (Frame fr : frames) {
      spans.get(fr).end(epoch(fr.endNanos()), TimeUnit.NANOSECONDS);
    }
    root.end(epoch(r.endNanos()), TimeUnit.NANOSECONDS);
    return root.getSpanContext();
  }

  /**
   * The same spans as the tracer path makes for a handshake without exceptions, handed to the SDK's
   * span processors as {@link HandshakeSpanData}: the sampler is asked exactly as the tracer would
   * ask it (parent, trace id, name, kind, the keep reason), and the ids come from the SDK's random
   * id generator. Returns null when a phase would record an exception (not seen on a success): the
   * tracer makes those.
   */
  private SpanContext exportDirect(
      HandshakeRecord r,
      HandshakeFacts f,
      Runnable detail,
      String name,
      SpanContext parent,
      String kept,
      String serverAddress) {
    Context parentContext =
        parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root();
    String traceId = parent.isValid() ? parent.getTraceId() : direct.ids.generateTraceId();
    SamplingResult sampling =
        direct.sampler.shouldSample(
            parentContext,
            traceId,
            name,
            SpanKind.INTERNAL,
            Attributes.of(KEPT_BECAUSE, kept),
            List.of());
    String spanId = direct.ids.generateSpanId();
    TraceState traceState = sampling.getUpdatedTraceState(parent.getTraceState());
    if (sampling.getDecision() != SamplingDecision.RECORD_AND_SAMPLE) {
      // Not sampled: nothing more is built (a recorded but unsampled span reaches no exporter).
      return SpanContext.create(traceId, spanId, TraceFlags.getDefault(), traceState);
    }
    List<Frame> frames = phases ? HandshakeValues.sorted(r.phases()) : List.of();
    if (recordsException(frames) || !r.eventNames().isEmpty()) {
      return null; // exceptions and provider events are span events: the tracer makes those
    }
    SpanContext rootContext =
        SpanContext.create(traceId, spanId, TraceFlags.getSampled(), traceState);
    detail.run();
    AttributesBuilder a = rootAttributes(r, f, serverAddress);
    a.put(KEPT_BECAUSE, kept);
    a.putAll(sampling.getAttributes()); // as the SDK adds them: after the span's own
    HandshakeSpanData root =
        new HandshakeSpanData(
            direct,
            name,
            rootContext,
            parent,
            StatusData.unset(),
            epoch(r.startNanos()),
            epoch(r.endNanos()),
            a.build());
    endDirect(frames, rootContext, false);
    direct.processor.onEnd(root);
    return rootContext;
  }

  /**
   * Phase spans under {@code root}, made directly; each is handed on as it ends, in start order.
   */
  private void endDirect(List<Frame> frames, SpanContext root, boolean postHandshake) {
    if (frames.isEmpty()) {
      return;
    }
    Map<Frame, SpanContext> contexts = new IdentityHashMap<>();
    List<HandshakeSpanData> made = new ArrayList<>(frames.size());
    for (Frame fr : frames) {
      Frame parentFrame = fr.exportedParent();
      SpanContext parent = parentFrame == null ? null : contexts.get(parentFrame);
      if (parent == null) {
        parent = root;
      }
      SpanContext context =
          SpanContext.create(
              root.getTraceId(),
              direct.ids.generateSpanId(),
              TraceFlags.getSampled(),
              root.getTraceState());
      contexts.put(fr, context);
      String spanName = PhaseNames.spanName(fr);
      made.add(
          new HandshakeSpanData(
              direct,
              spanName,
              context,
              parent,
              fr.error() != null
                  ? StatusData.create(StatusCode.ERROR, String.valueOf(fr.error().getMessage()))
                  : StatusData.unset(),
              epoch(fr.startNanos()),
              epoch(fr.endNanos()),
              directPhaseAttributes(fr, spanName, postHandshake)));
    }
    for (HandshakeSpanData s : made) {
      direct.processor.onEnd(s);
    }
  }

  /** Whether a span of these phases records an exception (an alert with its error). */
  private static boolean recordsException(List<Frame> frames) {
    for (Frame fr : frames) {
      if (fr.kind() == Frame.Kind.ALERT && fr.error() != null) {
        return true;
      }
    }
    return false;
  }

  /** Post-handshake phases under the connection's last root span (already exported). */
  void exportPostHandshake(SpanContext root, List<Frame> batch) {
    List<Frame> frames = HandshakeValues.sorted(batch);
    if (direct != null && !recordsException(frames)) {
      endDirect(frames, root, true);
      return;
    }
    Map<Frame, Span> spans = new IdentityHashMap<>();
    Context rootContext = Context.root().with(Span.wrap(root));
    for (Frame fr : frames) {
      Frame parentFrame = fr.exportedParent();
      Span parent = parentFrame == null ? null : spans.get(parentFrame);
      AttributesBuilder a = phaseAttributes(fr);
      a.put(POST_HANDSHAKE, true);
      Span s = phaseSpan(fr, parent == null ? rootContext : Context.root().with(parent), a.build());
      spans.put(fr, s);
    }
    for (Frame fr : frames) {
      spans.get(fr).end(epoch(fr.endNanos()), TimeUnit.NANOSECONDS);
    }
  }

  private Span phaseSpan(Frame fr, Context parent, Attributes attributes) {
    Span s =
        tracer
            .spanBuilder(PhaseNames.spanName(fr))
            .setParent(parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(epoch(fr.startNanos()), TimeUnit.NANOSECONDS)
            .setAllAttributes(attributes)
            .startSpan();
    if (fr.kind() == Frame.Kind.ALERT && fr.error() != null) {
      s.recordException(fr.error());
    }
    if (fr.error() != null) {
      s.setStatus(StatusCode.ERROR, String.valueOf(fr.error().getMessage()));
    }
    return s;
  }

  /**
   * The attributes of a plain message span (message and direction only), by span name and whether
   * it is post-handshake: the same few sets on every handshake, made once. Export thread only.
   */
  private final Map<String, Attributes> messageAttributes = new HashMap<>();

  private final Map<String, Attributes> postMessageAttributes = new HashMap<>();

  /** The attributes of a direct phase span, shared when they are a plain message's. */
  private Attributes directPhaseAttributes(Frame fr, String spanName, boolean postHandshake) {
    boolean plain =
        (fr.kind() == Frame.Kind.SEND || fr.kind() == Frame.Kind.RECEIVE)
            && !"unknown".equals(PhaseNames.message(fr));
    if (!plain) {
      AttributesBuilder a = phaseAttributes(fr);
      if (postHandshake) {
        a.put(POST_HANDSHAKE, true);
      }
      return a.build();
    }
    Map<String, Attributes> cache = postHandshake ? postMessageAttributes : messageAttributes;
    Attributes known = cache.get(spanName);
    if (known == null) {
      AttributesBuilder a = phaseAttributes(fr);
      if (postHandshake) {
        a.put(POST_HANDSHAKE, true);
      }
      known = a.build();
      cache.put(spanName, known);
    }
    return known;
  }

  /** The attributes of one phase span: its message and direction, its alert, its revocation. */
  private static AttributesBuilder phaseAttributes(Frame fr) {
    AttributesBuilder b = Attributes.builder();
    String message = PhaseNames.message(fr);
    if (message != null) {
      b.put(MESSAGE, "unknown".equals(message) ? PhaseNames.rawType(fr) : message);
      b.put(DIRECTION, fr.kind() == Frame.Kind.SEND ? SEND : RECEIVE);
    }
    if (fr.kind() == Frame.Kind.ALERT) {
      if (fr.alertDescription() != null) {
        b.put(ALERT, fr.alertDescription());
        b.put(ERROR_TYPE, fr.alertDescription());
      }
      b.put(ALERT_ORIGIN, HandshakeValues.alertOrigin(fr.alertReceived()));
    }
    RevocationFields.put(b, fr);
    return b;
  }

  /** Every attribute of a root span except the keep reason. */
  private AttributesBuilder rootAttributes(
      HandshakeRecord r, HandshakeFacts f, String serverAddress) {
    AttributesBuilder b = Attributes.builder();
    b.put(ROLE, HandshakeValues.role(r));
    b.put(API, HandshakeValues.api(r));
    b.put(PROVIDER, r.provider());
    put(b, HandshakeSemconv.PROVIDER_LIBRARY, r.library());
    boolean ok = r.outcome() == HandshakeRecord.Outcome.SUCCEEDED;
    b.put(TLS_ESTABLISHED, ok);
    if (f.protocol != null) {
      String p = f.protocol;
      b.put(TLS_PROTOCOL_NAME, p.startsWith("SSL") ? "ssl" : "tls");
      b.put(TLS_PROTOCOL_VERSION, HandshakeValues.version(p));
    }
    put(b, TLS_CIPHER, f.cipherSuite);
    put(b, TLS_CURVE, f.namedGroup);
    if (ok) {
      b.put(TLS_RESUMED, f.resumed);
    }
    put(b, TLS_NEXT_PROTOCOL, f.applicationProtocol);
    X509Certificate[] serverChain = r.isClient() ? f.peerChain : f.localChain;
    X509Certificate[] clientChain = r.isClient() ? f.localChain : f.peerChain;
    putCertificate(
        b,
        serverChain,
        TLS_SERVER_SUBJECT,
        TLS_SERVER_ISSUER,
        TLS_SERVER_NOT_BEFORE,
        TLS_SERVER_NOT_AFTER,
        TLS_SERVER_HASH_SHA256);
    putCertificate(
        b,
        clientChain,
        TLS_CLIENT_SUBJECT,
        TLS_CLIENT_ISSUER,
        TLS_CLIENT_NOT_BEFORE,
        TLS_CLIENT_NOT_AFTER,
        TLS_CLIENT_HASH_SHA256);
    put(b, CLIENT_AUTH, HandshakeValues.clientAuth(r, f));
    if (r.knowsHelloRetry()) {
      b.put(HELLO_RETRY, HandshakeValues.helloRetry(r));
    }
    // Peer and addresses: from fields and socket getters only, never a reverse DNS lookup.
    put(b, SERVER_ADDRESS, serverAddress);
    if (r.isClient()) {
      putPort(b, SERVER_PORT, f.peerPort);
    } else {
      putPort(b, SERVER_PORT, f.socketLocalPort);
      if (f.socketPeerAddress != null) {
        b.put(CLIENT_ADDRESS, f.socketPeerAddress.getHostAddress());
        putPort(b, CLIENT_PORT, f.socketPeerPort);
      } else if (f.peerHost != null) {
        b.put(CLIENT_ADDRESS, f.peerHost);
        putPort(b, CLIENT_PORT, f.peerPort);
      }
    }
    if (f.socketPeerAddress != null) {
      b.put(NETWORK_PEER_ADDRESS, f.socketPeerAddress.getHostAddress());
      putPort(b, NETWORK_PEER_PORT, f.socketPeerPort);
    }
    if (offered) {
      putList(b, HandshakeSemconv.TLS_CLIENT_SUPPORTED_CIPHERS, f.offeredCipherSuites);
      putList(b, HandshakeSemconv.OFFERED_VERSIONS, f.offeredVersions);
      putList(b, HandshakeSemconv.OFFERED_GROUPS, f.offeredGroups);
      putList(b, HandshakeSemconv.OFFERED_SIGNATURE_SCHEMES, f.offeredSignatureSchemes);
      putList(b, HandshakeSemconv.ENABLED_VERSIONS, f.enabledVersions);
      putList(b, HandshakeSemconv.ENABLED_CIPHERS, f.enabledCipherSuites);
      put(b, HandshakeSemconv.CLIENT_JA4, f.ja4);
      put(b, HandshakeSemconv.TLS_CLIENT_JA3, f.ja3);
    }
    if (!ok) {
      put(b, HandshakeSemconv.DIAGNOSIS, Diagnosis.of(r, f));
      b.put(HandshakeSemconv.FAILURE_REASON, FailureReason.of(r, f).value);
      b.put(ERROR_TYPE, HandshakeValues.errorType(r, f));
      if (r.outcome() == HandshakeRecord.Outcome.ABANDONED) {
        put(b, ABANDON_REASON, r.abandonReason());
      }
      if (f.alertDescription != null) {
        b.put(ALERT, f.alertDescription);
        b.put(ALERT_ORIGIN, HandshakeValues.alertOrigin(r.alertReceived()));
      }
      Frame failed = HandshakeValues.failedPhase(r);
      if (failed != null) {
        b.put(FAILED_PHASE, PhaseNames.spanName(failed));
      }
    }
    if (r.isClient() && f.ocspStapled) {
      b.put(HandshakeSemconv.OCSP_STAPLED, true);
    }
    // A failed revocation check, or a slow handshake whose time went into OCSP/CRL fetches, is
    // explained by the responder and its timing (replaces the generic sentence).
    put(b, HandshakeSemconv.DIAGNOSIS, Diagnosis.revocation(r, slowThresholdNanos));
    return b;
  }

  /**
   * The exception the application saw. For a socket error during a handshake SunJSSE (JDK 21+)
   * sends the fatal alert, discards the SSLException that returns, and rethrows the original
   * SocketException (reset, broken pipe): show that one.
   */
  private static Throwable shown(HandshakeRecord r) {
    Throwable t = r.thrown();
    if (t instanceof SSLException && t.getCause() instanceof SocketException) {
      return t.getCause();
    }
    return t;
  }

  private static void put(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null) {
      b.put(key, value);
    }
  }

  /** The leaf of one side's chain, when there is one, under that side's keys. */
  private static void putCertificate(
      AttributesBuilder b,
      X509Certificate[] chain,
      AttributeKey<String> subject,
      AttributeKey<String> issuer,
      AttributeKey<String> notBefore,
      AttributeKey<String> notAfter,
      AttributeKey<String> sha256) {
    if (chain == null) {
      return;
    }
    CertificateFields c = CertificateFields.of(chain[0]);
    b.put(subject, c.subject);
    b.put(issuer, c.issuer);
    b.put(notBefore, c.notBefore);
    b.put(notAfter, c.notAfter);
    put(b, sha256, c.sha256);
  }

  /**
   * Bounded lists by their content: the offered and enabled lists repeat from handshake to
   * handshake, so each distinct one is cut to size once. Export thread only; at most 256 entries.
   */
  private final Map<List<String>, List<String>> boundedLists = new HashMap<>();

  /** Bounded: at most MAX_LIST entries (the last says how many were left out), 64 chars each. */
  private void putList(AttributesBuilder b, AttributeKey<List<String>> key, List<String> values) {
    if (values == null || values.isEmpty()) {
      return;
    }
    List<String> known = boundedLists.get(values);
    if (known == null) {
      known = bounded(values);
      if (boundedLists.size() >= 256) {
        boundedLists.clear();
      }
      boundedLists.put(List.copyOf(values), known);
    }
    b.put(key, known);
  }

  private static List<String> bounded(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (out.size() == HandshakeSemconv.MAX_LIST - 1
          && values.size() > HandshakeSemconv.MAX_LIST) {
        out.add("+" + (values.size() - out.size()) + " more");
        break;
      }
      out.add(v.length() <= 64 ? v : v.substring(0, 61) + "...");
    }
    return List.copyOf(out);
  }

  private static void putPort(AttributesBuilder b, AttributeKey<Long> key, int port) {
    if (port > 0) {
      b.put(key, (long) port);
    }
  }
}
