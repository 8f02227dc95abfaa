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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.SocketException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Builds the spans of one ended handshake: the root span with its attributes, and one child span
 * per phase, with the timestamps recorded on the handshake thread. Values the metrics, the console
 * and the diagnosis show too come from {@link HandshakeValues}. Runs on the export thread only.
 */
final class HandshakeSpans {
  private final Tracer tracer;
  private final boolean phases;
  private final long slowThresholdNanos;
  private final boolean offered;

  /** Wall-clock epoch nanos at {@link #baseNanoTime}, so nanoTime stamps become span timestamps. */
  private final long baseEpochNanos;

  private final long baseNanoTime;

  HandshakeSpans(Tracer tracer, boolean phases, long slowThresholdNanos, boolean offered) {
    this.tracer = tracer;
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
    SpanBuilder b = tracer.spanBuilder(name);
    Object application = r.applicationParent();
    if (application instanceof ApplicationSpan.Parent) {
      ApplicationSpan.Parent p = (ApplicationSpan.Parent) application;
      SpanContext sc =
          SpanContext.create(
              p.traceId, p.spanId, TraceFlags.fromByte(p.flags), TraceState.getDefault());
      b.setParent(Context.root().with(Span.wrap(sc)));
    } else {
      b.setNoParent();
    }
    b.setSpanKind(SpanKind.INTERNAL).setStartTimestamp(epoch(r.startNanos()), TimeUnit.NANOSECONDS);
    // Decided now that the outcome is known; KeepSampler keeps failed and slow ones whatever the
    // configured sampler says.
    b.setAttribute(
        KEPT_BECAUSE,
        r.outcome() != HandshakeRecord.Outcome.SUCCEEDED
            ? KEPT_ERROR
            : r.endNanos() - r.startNanos() >= slowThresholdNanos ? KEPT_SLOW : KEPT_SAMPLED);
    Span root = b.startSpan();
    if (!root.isRecording()) {
      return root.getSpanContext(); // not sampled: nothing more is built for it
    }
    detail.run();
    List<Frame> frames = phases ? HandshakeValues.sorted(r.phases()) : List.of();
    rootAttributes(root, r, f, serverAddress);
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
    Map<Frame, Span> spans = new IdentityHashMap<>();
    Frame failed = HandshakeValues.failedPhase(r);
    for (Frame fr : frames) {
      Frame parentFrame = fr.exportedParent();
      Span parent = parentFrame == null ? root : spans.getOrDefault(parentFrame, root);
      Span s = phaseSpan(fr, Context.root().with(parent));
      if (fr == failed) {
        s.setAttribute(ERROR_TYPE, HandshakeValues.errorType(r, f));
        s.setStatus(StatusCode.ERROR);
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

  /** Post-handshake phases under the connection's last root span (already exported). */
  void exportPostHandshake(SpanContext root, List<Frame> batch) {
    Map<Frame, Span> spans = new IdentityHashMap<>();
    Context rootContext = Context.root().with(Span.wrap(root));
    List<Frame> frames = HandshakeValues.sorted(batch);
    for (Frame fr : frames) {
      Frame parentFrame = fr.exportedParent();
      Span parent = parentFrame == null ? null : spans.get(parentFrame);
      Span s = phaseSpan(fr, parent == null ? rootContext : Context.root().with(parent));
      s.setAttribute(POST_HANDSHAKE, true);
      spans.put(fr, s);
    }
    for (Frame fr : frames) {
      spans.get(fr).end(epoch(fr.endNanos()), TimeUnit.NANOSECONDS);
    }
  }

  private Span phaseSpan(Frame fr, Context parent) {
    SpanBuilder b =
        tracer
            .spanBuilder(PhaseNames.spanName(fr))
            .setParent(parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(epoch(fr.startNanos()), TimeUnit.NANOSECONDS);
    String message = PhaseNames.message(fr);
    if (message != null) {
      b.setAttribute(MESSAGE, "unknown".equals(message) ? PhaseNames.rawType(fr) : message);
      b.setAttribute(DIRECTION, fr.kind() == Frame.Kind.SEND ? SEND : RECEIVE);
    }
    if (fr.kind() == Frame.Kind.ALERT) {
      if (fr.alertDescription() != null) {
        b.setAttribute(ALERT, fr.alertDescription());
        b.setAttribute(ERROR_TYPE, fr.alertDescription());
      }
      b.setAttribute(ALERT_ORIGIN, HandshakeValues.alertOrigin(fr.alertReceived()));
    }
    RevocationFields.put(b, fr);
    Span s = b.startSpan();
    if (fr.kind() == Frame.Kind.ALERT && fr.error() != null) {
      s.recordException(fr.error());
    }
    if (fr.error() != null) {
      s.setStatus(StatusCode.ERROR, String.valueOf(fr.error().getMessage()));
    }
    return s;
  }

  private void rootAttributes(Span b, HandshakeRecord r, HandshakeFacts f, String serverAddress) {
    b.setAttribute(ROLE, HandshakeValues.role(r));
    b.setAttribute(API, HandshakeValues.api(r));
    b.setAttribute(PROVIDER, "SunJSSE");
    boolean ok = r.outcome() == HandshakeRecord.Outcome.SUCCEEDED;
    b.setAttribute(TLS_ESTABLISHED, ok);
    if (f.protocol != null) {
      String p = f.protocol;
      b.setAttribute(TLS_PROTOCOL_NAME, p.startsWith("SSL") ? "ssl" : "tls");
      b.setAttribute(TLS_PROTOCOL_VERSION, HandshakeValues.version(p));
    }
    put(b, TLS_CIPHER, f.cipherSuite);
    put(b, TLS_CURVE, f.namedGroup);
    if (ok) {
      b.setAttribute(TLS_RESUMED, f.resumed);
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
    b.setAttribute(HELLO_RETRY, HandshakeValues.helloRetry(r));
    // Peer and addresses: from fields and socket getters only, never a reverse DNS lookup.
    put(b, SERVER_ADDRESS, serverAddress);
    if (r.isClient()) {
      putPort(b, SERVER_PORT, f.peerPort);
    } else {
      putPort(b, SERVER_PORT, f.socketLocalPort);
      if (f.socketPeerAddress != null) {
        b.setAttribute(CLIENT_ADDRESS, f.socketPeerAddress.getHostAddress());
        putPort(b, CLIENT_PORT, f.socketPeerPort);
      } else if (f.peerHost != null) {
        b.setAttribute(CLIENT_ADDRESS, f.peerHost);
        putPort(b, CLIENT_PORT, f.peerPort);
      }
    }
    if (f.socketPeerAddress != null) {
      b.setAttribute(NETWORK_PEER_ADDRESS, f.socketPeerAddress.getHostAddress());
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
      b.setAttribute(HandshakeSemconv.FAILURE_REASON, FailureReason.of(r, f).value);
      b.setAttribute(ERROR_TYPE, HandshakeValues.errorType(r, f));
      if (r.outcome() == HandshakeRecord.Outcome.ABANDONED) {
        put(b, ABANDON_REASON, r.abandonReason());
      }
      if (f.alertDescription != null) {
        b.setAttribute(ALERT, f.alertDescription);
        b.setAttribute(ALERT_ORIGIN, HandshakeValues.alertOrigin(r.alertReceived()));
      }
      Frame failed = HandshakeValues.failedPhase(r);
      if (failed != null) {
        b.setAttribute(FAILED_PHASE, PhaseNames.spanName(failed));
      }
    }
    if (r.isClient() && f.ocspStapled) {
      b.setAttribute(HandshakeSemconv.OCSP_STAPLED, true);
    }
    // A failed revocation check, or a slow handshake whose time went into OCSP/CRL fetches, is
    // explained by the responder and its timing (replaces the generic sentence).
    put(b, HandshakeSemconv.DIAGNOSIS, Diagnosis.revocation(r, slowThresholdNanos));
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

  private static void put(Span b, AttributeKey<String> key, String value) {
    if (value != null) {
      b.setAttribute(key, value);
    }
  }

  /** The leaf of one side's chain, when there is one, under that side's keys. */
  private static void putCertificate(
      Span b,
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
    b.setAttribute(subject, c.subject);
    b.setAttribute(issuer, c.issuer);
    b.setAttribute(notBefore, c.notBefore);
    b.setAttribute(notAfter, c.notAfter);
    put(b, sha256, c.sha256);
  }

  /** Bounded: at most MAX_LIST entries (the last says how many were left out), 64 chars each. */
  private static void putList(Span b, AttributeKey<List<String>> key, List<String> values) {
    if (values == null || values.isEmpty()) {
      return;
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (out.size() == HandshakeSemconv.MAX_LIST - 1
          && values.size() > HandshakeSemconv.MAX_LIST) {
        out.add("+" + (values.size() - out.size()) + " more");
        break;
      }
      out.add(v.length() <= 64 ? v : v.substring(0, 61) + "...");
    }
    b.setAttribute(key, out);
  }

  private static void putPort(Span b, AttributeKey<Long> key, int port) {
    if (port > 0) {
      b.setAttribute(key, (long) port);
    }
  }
}
