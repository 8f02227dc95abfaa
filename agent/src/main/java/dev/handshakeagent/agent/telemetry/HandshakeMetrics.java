package dev.handshakeagent.agent.telemetry;

import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CERTIFICATE_HASH_SHA256;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CERTIFICATE_ISSUER;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CERTIFICATE_SOURCE;
import static dev.handshakeagent.agent.telemetry.HandshakeSemconv.CERTIFICATE_SUBJECT;

import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import dev.handshakeagent.agent.tracking.HandshakeTracker;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handshake metrics of DESIGN section 3, complete whatever the trace sampling: recorded from
 * every ended handshake on the export thread, plus two observed values read at collection time.
 * Attribute cardinality is bounded: no ports or client addresses, at most {@link #MAX_SERVERS}
 * distinct {@code server.address} values and {@link #MAX_CERTIFICATES} distinct certificates; the
 * rest share one {@code _OTHER} series.
 */
final class HandshakeMetrics {
  static final int MAX_SERVERS = 100;
  static final int MAX_CERTIFICATES = 100;
  static final String OTHER = "_OTHER";

  /** 1 ms to 10 s, in seconds. */
  static final List<Double> DURATION_BUCKETS =
      Arrays.asList(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  private final DoubleHistogram duration;
  private final Set<String> servers = ConcurrentHashMap.newKeySet();

  /** sha256|source -> certificate; guarded by itself (export thread writes, collector reads). */
  private final Map<String, Seen> certificates = new LinkedHashMap<>();

  HandshakeMetrics(Meter meter, HandshakeTracker tracker) {
    duration =
        meter
            .histogramBuilder(HandshakeSemconv.METRIC_DURATION)
            .setDescription("Duration of TLS handshakes, by outcome")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    meter
        .upDownCounterBuilder(HandshakeSemconv.METRIC_ACTIVE)
        .setDescription("TLS handshakes started and not yet ended")
        .setUnit("{handshake}")
        .buildWithCallback(m -> m.record(tracker.activeHandshakes()));
    meter
        .gaugeBuilder(HandshakeSemconv.METRIC_CERTIFICATE_TIME_LEFT)
        .setDescription("Seconds until the leaf certificate's not_after, per certificate seen")
        .setUnit("s")
        .buildWithCallback(
            m -> {
              long now = Instant.now().getEpochSecond();
              synchronized (certificates) {
                for (Seen c : certificates.values()) {
                  m.record(c.notAfterEpochSecond - now, c.attributes);
                }
              }
            });
  }

  void record(HandshakeRecord r, HandshakeFacts f) {
    String server = r.isClient() ? HandshakeValues.serverAddress(r, f) : null;
    Attributes attributes =
        r.outcome() == HandshakeRecord.Outcome.SUCCEEDED
            ? successAttributes(r.isClient(), r.provider(), f.protocol, f.cipherSuite, server)
            : attributes(r, f, server);
    duration.record((r.endNanos() - r.startNanos()) / 1e9, attributes);
    X509Certificate local = leaf(f.localChain);
    if (local != null && local != lastLocal) {
      see(local, "local");
      lastLocal = local;
    }
    X509Certificate peer = leaf(f.peerChain);
    if (peer != null && peer != lastPeer) {
      see(peer, "peer");
      lastPeer = peer;
    }
  }

  /** The leaves seen last: most handshakes repeat them (the same objects), and are skipped. */
  private X509Certificate lastLocal;

  private X509Certificate lastPeer;

  private static X509Certificate leaf(X509Certificate[] chain) {
    return chain == null || chain.length == 0 ? null : chain[0];
  }

  private Attributes attributes(HandshakeRecord r, HandshakeFacts f, String server) {
    AttributesBuilder a = Attributes.builder();
    a.put(HandshakeSemconv.ROLE, HandshakeValues.role(r));
    a.put(HandshakeSemconv.PROVIDER, r.provider());
    if (f.protocol != null) {
      a.put(HandshakeSemconv.TLS_PROTOCOL_VERSION, HandshakeValues.version(f.protocol));
    }
    if (f.cipherSuite != null) {
      a.put(HandshakeSemconv.TLS_CIPHER, f.cipherSuite);
    }
    if (r.outcome() != HandshakeRecord.Outcome.SUCCEEDED) {
      a.put(HandshakeSemconv.ERROR_TYPE, HandshakeValues.errorType(r, f));
      a.put(HandshakeSemconv.FAILURE_REASON, FailureReason.of(r, f).value);
    }
    if (server != null) {
      a.put(HandshakeSemconv.SERVER_ADDRESS, bounded(server));
    }
    return a.build();
  }

  /**
   * The attribute set of a success, made once per combination: a service repeats the same few on
   * every handshake, and building and hashing a fresh set each time costs more than the recording.
   * Bounded like the series themselves (servers past the cap share the {@code _OTHER} set).
   */
  private Attributes successAttributes(
      boolean client, String provider, String protocol, String cipher, String server) {
    SuccessKey key = new SuccessKey(client, provider, protocol, cipher, server);
    Attributes known = successSets.get(key);
    if (known != null) {
      return known;
    }
    AttributesBuilder a = Attributes.builder();
    a.put(HandshakeSemconv.ROLE, client ? "client" : "server");
    a.put(HandshakeSemconv.PROVIDER, provider);
    if (protocol != null) {
      a.put(HandshakeSemconv.TLS_PROTOCOL_VERSION, HandshakeValues.version(protocol));
    }
    if (cipher != null) {
      a.put(HandshakeSemconv.TLS_CIPHER, cipher);
    }
    if (server != null) {
      a.put(HandshakeSemconv.SERVER_ADDRESS, bounded(server));
    }
    Attributes made = a.build();
    if (successSets.size() < MAX_SUCCESS_SETS) {
      successSets.put(key, made);
    }
    return made;
  }

  /** Upper bound of cached success sets (servers times versions times ciphers seen). */
  private static final int MAX_SUCCESS_SETS = 1024;

  /** Export thread only. */
  private final Map<SuccessKey, Attributes> successSets = new HashMap<>();

  private static final class SuccessKey {
    final boolean client;
    final String provider;
    final String protocol;
    final String cipher;
    final String server;

    SuccessKey(boolean client, String provider, String protocol, String cipher, String server) {
      this.client = client;
      this.provider = provider;
      this.protocol = protocol;
      this.cipher = cipher;
      this.server = server;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof SuccessKey)) {
        return false;
      }
      SuccessKey k = (SuccessKey) o;
      return client == k.client
          && Objects.equals(provider, k.provider)
          && Objects.equals(protocol, k.protocol)
          && Objects.equals(cipher, k.cipher)
          && Objects.equals(server, k.server);
    }

    @Override
    public int hashCode() {
      return Objects.hash(client, provider, protocol, cipher, server);
    }
  }

  private String bounded(String server) {
    if (servers.contains(server)) {
      return server;
    }
    if (servers.size() < MAX_SERVERS && servers.add(server)) {
      return server;
    }
    return servers.contains(server) ? server : OTHER;
  }

  private void see(X509Certificate certificate, String source) {
    CertificateFields leaf = CertificateFields.of(certificate);
    String sha = leaf.sha256;
    if (sha == null) {
      return;
    }
    long notAfter = leaf.notAfterEpochSecond;
    synchronized (certificates) {
      String key = sha + "|" + source;
      if (certificates.containsKey(key)) {
        return;
      }
      if (certificates.size() < MAX_CERTIFICATES) {
        certificates.put(
            key,
            new Seen(
                notAfter,
                Attributes.of(
                    CERTIFICATE_SUBJECT,
                    leaf.subject,
                    CERTIFICATE_ISSUER,
                    leaf.issuer,
                    CERTIFICATE_HASH_SHA256,
                    sha,
                    CERTIFICATE_SOURCE,
                    source)));
        return;
      }
      // Past the cap: one series per source holding the soonest expiry of the rest.
      String overflow = OTHER + "|" + source;
      Seen other = certificates.get(overflow);
      if (other == null || notAfter < other.notAfterEpochSecond) {
        certificates.put(
            overflow,
            new Seen(
                notAfter,
                Attributes.of(
                    CERTIFICATE_SUBJECT,
                    OTHER,
                    CERTIFICATE_ISSUER,
                    OTHER,
                    CERTIFICATE_HASH_SHA256,
                    OTHER,
                    CERTIFICATE_SOURCE,
                    source)));
      }
    }
  }

  private static final class Seen {
    final long notAfterEpochSecond;
    final Attributes attributes;

    Seen(long notAfterEpochSecond, Attributes attributes) {
      this.notAfterEpochSecond = notAfterEpochSecond;
      this.attributes = attributes;
    }
  }
}
