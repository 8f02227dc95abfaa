package dev.handshakeagent.agent.tracking;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a client offered, read from the bytes of its client_hello (RFC 8446 4.1.2): cipher suites,
 * the extension types in wire order, and from the extensions supported_versions, supported_groups,
 * signature_algorithms, ec_point_formats and ALPN. Values are the wire ids, GREASE included; names
 * are looked up by the caller. Malformed input gives what could be read. Nothing else is kept (no
 * key share, no PSK identity or binder).
 */
final class ClientHelloOffer {
  private static final int SUPPORTED_GROUPS = 10;
  private static final int EC_POINT_FORMATS = 11;
  private static final int SIGNATURE_ALGORITHMS = 13;
  private static final int ALPN = 16;
  private static final int SUPPORTED_VERSIONS = 43;

  final List<Integer> cipherSuites = new ArrayList<>();
  final List<Integer> versions = new ArrayList<>();
  final List<Integer> groups = new ArrayList<>();
  final List<Integer> signatureSchemes = new ArrayList<>();
  final List<Integer> extensions = new ArrayList<>();
  final List<Integer> pointFormats = new ArrayList<>();

  /** legacy_version, the only version a TLS 1.2 client states. */
  int legacyVersion = -1;

  /** The first protocol name of the ALPN extension, or null when there is none. */
  byte[] firstAlpn;

  /** True when the message was read to its end (a truncated copy gives no fingerprint). */
  boolean complete;

  static ClientHelloOffer parse(byte[] message) {
    ClientHelloOffer o = new ClientHelloOffer();
    try {
      ByteBuffer b = ByteBuffer.wrap(message);
      if (b.remaining() > 4 && b.get(0) == 1) {
        b.position(4); // starts with the handshake header
      }
      o.legacyVersion = b.getShort() & 0xFFFF;
      b.position(b.position() + 32); // random
      skip(b, b.get() & 0xFF); // session id
      if (o.legacyVersion >> 8 == 0xFE) {
        skip(b, b.get() & 0xFF); // DTLS (0xfeff, 0xfefd): cookie
      }
      int suites = b.getShort() & 0xFFFF;
      for (int i = 0; i + 1 < suites; i += 2) {
        o.cipherSuites.add(b.getShort() & 0xFFFF);
      }
      skip(b, b.get() & 0xFF); // compression methods
      if (b.remaining() < 2) {
        o.complete = b.remaining() == 0; // no extensions at all (before TLS 1.2)
        return o;
      }
      int end = b.position() + 2 + (b.getShort() & 0xFFFF);
      while (b.position() + 4 <= Math.min(end, b.limit())) {
        int type = b.getShort() & 0xFFFF;
        int length = b.getShort() & 0xFFFF;
        int next = b.position() + length;
        o.extensions.add(type);
        // Each extension is read from its own slice: a malformed one cannot run into the next.
        ByteBuffer data = b.slice();
        data.limit(length);
        try {
          readExtension(o, type, data);
        } catch (RuntimeException malformed) {
          // keep what it gave; the next extension is read normally
        }
        b.position(next);
      }
      o.complete = b.position() == end && end <= b.limit();
    } catch (RuntimeException truncated) {
      // keep what was read
    }
    return o;
  }

  private static void readExtension(ClientHelloOffer o, int type, ByteBuffer b) {
    if (type == SUPPORTED_VERSIONS) {
      int n = b.get() & 0xFF;
      for (int i = 0; i + 1 < n; i += 2) {
        o.versions.add(b.getShort() & 0xFFFF);
      }
    } else if (type == SUPPORTED_GROUPS || type == SIGNATURE_ALGORITHMS) {
      int n = b.getShort() & 0xFFFF;
      List<Integer> into = type == SUPPORTED_GROUPS ? o.groups : o.signatureSchemes;
      for (int i = 0; i + 1 < n; i += 2) {
        into.add(b.getShort() & 0xFFFF);
      }
    } else if (type == EC_POINT_FORMATS) {
      int n = b.get() & 0xFF;
      for (int i = 0; i < n; i++) {
        o.pointFormats.add(b.get() & 0xFF);
      }
    } else if (type == ALPN) {
      b.getShort(); // list length
      byte[] first = new byte[b.get() & 0xFF];
      b.get(first);
      o.firstAlpn = first;
    }
  }

  /**
   * Equal when everything read is equal: the same client stack makes the same offer in every
   * handshake (the random, session id and key shares are not read), so derived values can be cached
   * per distinct offer.
   */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClientHelloOffer)) {
      return false;
    }
    ClientHelloOffer c = (ClientHelloOffer) o;
    return legacyVersion == c.legacyVersion
        && complete == c.complete
        && cipherSuites.equals(c.cipherSuites)
        && extensions.equals(c.extensions)
        && versions.equals(c.versions)
        && groups.equals(c.groups)
        && signatureSchemes.equals(c.signatureSchemes)
        && pointFormats.equals(c.pointFormats)
        && Arrays.equals(firstAlpn, c.firstAlpn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cipherSuites, extensions, versions, groups, legacyVersion)
        + 31 * Arrays.hashCode(firstAlpn);
  }

  private static void skip(ByteBuffer b, int n) {
    b.position(b.position() + n);
  }
}
