package dev.handshakeagent.agent.tracking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

/**
 * The client fingerprints of a client_hello, computed on the export thread from a {@link
 * ClientHelloOffer}: JA4 (FoxIO, the TLS client fingerprint of the BSD-licensed JA4 only) and JA3
 * (Salesforce). Pure functions; GREASE values (RFC 8701) are left out everywhere, as both
 * specifications say. An incompletely read message has no fingerprint (null).
 */
final class ClientHelloFingerprint {
  private static final int SERVER_NAME = 0x0000;
  private static final int ALPN = 0x0010;
  private static final int SUPPORTED_VERSIONS = 0x002b;
  private static final String NO_VALUES = "000000000000";

  private ClientHelloFingerprint() {}

  /** {@code t13d1516h2_8daaf6152771_e5627efa2ab1}, or null. */
  static String ja4(ClientHelloOffer o) {
    if (!o.complete) {
      return null;
    }
    String b = hash12(ja4b(o));
    String c = hash12(ja4c(o));
    return b == null || c == null ? null : ja4a(o) + "_" + b + "_" + c;
  }

  /** JA3 as 32 lower-case hex digits (MD5 of {@link #ja3String}), or null. */
  static String ja3(ClientHelloOffer o) {
    if (!o.complete) {
      return null;
    }
    byte[] md5 = digest("MD5", ja3String(o));
    return md5 == null ? null : hex(md5);
  }

  /**
   * JA4 part a: transport ({@code t}, {@code d} for DTLS), version, SNI ({@code d} present / {@code
   * i}), cipher and extension counts (two digits, at most 99), first and last character of the
   * first ALPN value.
   */
  static String ja4a(ClientHelloOffer o) {
    boolean dtls = o.legacyVersion >> 8 == 0xFE;
    List<Integer> extensions = withoutGrease(o.extensions);
    return (dtls ? "d" : "t")
        + versionCode(highestVersion(o))
        + (extensions.contains(SERVER_NAME) ? "d" : "i")
        + count(withoutGrease(o.cipherSuites).size())
        + count(extensions.size())
        + alpnCode(o.firstAlpn);
  }

  /** JA4 part b before hashing: the cipher suites as 4-digit hex, sorted, comma-separated. */
  static String ja4b(ClientHelloOffer o) {
    return hexList(sorted(withoutGrease(o.cipherSuites)));
  }

  /**
   * JA4 part c before hashing: the extension types sorted (without server_name and ALPN), then
   * {@code _} and the signature algorithms in the order sent (no {@code _} when there are none).
   */
  static String ja4c(ClientHelloOffer o) {
    List<Integer> extensions = withoutGrease(o.extensions);
    extensions.removeIf(e -> e == SERVER_NAME || e == ALPN);
    String c = hexList(sorted(extensions));
    List<Integer> signatures = withoutGrease(o.signatureSchemes);
    return signatures.isEmpty() || c.isEmpty() ? c : c + "_" + hexList(signatures);
  }

  /**
   * The JA3 string before hashing: legacy_version, cipher suites, extension types, supported groups
   * and EC point formats, in wire order as decimals joined with {@code -}, fields joined with
   * {@code ,}.
   */
  static String ja3String(ClientHelloOffer o) {
    return o.legacyVersion
        + ","
        + decimalList(withoutGrease(o.cipherSuites))
        + ","
        + decimalList(withoutGrease(o.extensions))
        + ","
        + decimalList(withoutGrease(o.groups))
        + ","
        + decimalList(o.pointFormats);
  }

  /** RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
  static boolean isGrease(int value) {
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
  }

  /** A hash part of JA4: the first 12 hex digits of SHA-256, or zeros for an empty list. */
  static String hash12(String list) {
    if (list.isEmpty()) {
      return NO_VALUES;
    }
    byte[] sha256 = digest("SHA-256", list);
    return sha256 == null ? null : hex(sha256).substring(0, 12);
  }

  private static int highestVersion(ClientHelloOffer o) {
    int highest = -1;
    if (o.extensions.contains(SUPPORTED_VERSIONS)) {
      for (int v : withoutGrease(o.versions)) {
        // DTLS counts down (0xfefc is DTLS 1.3, newer than 0xfefd).
        boolean newer = v >> 8 == 0xFE ? highest < 0 || v < highest : v > highest;
        highest = newer ? v : highest;
      }
    }
    return highest < 0 ? o.legacyVersion : highest;
  }

  private static String versionCode(int version) {
    switch (version) {
      case 0x0304:
        return "13";
      case 0x0303:
        return "12";
      case 0x0302:
        return "11";
      case 0x0301:
        return "10";
      case 0x0300:
        return "s3";
      case 0x0002:
        return "s2";
      case 0xfeff:
        return "d1";
      case 0xfefd:
        return "d2";
      case 0xfefc:
        return "d3";
      default:
        return "00";
    }
  }

  private static String count(int n) {
    return n > 99 ? "99" : (n < 10 ? "0" : "") + n;
  }

  /**
   * First and last byte of the first ALPN value as characters; when either is not alphanumeric, the
   * first and last digit of the value's hex form instead; {@code 00} when there is none.
   */
  static String alpnCode(byte[] alpn) {
    if (alpn == null || alpn.length == 0) {
      return "00";
    }
    int first = alpn[0] & 0xFF;
    int last = alpn[alpn.length - 1] & 0xFF;
    if (alphanumeric(first) && alphanumeric(last)) {
      return "" + (char) first + (char) last;
    }
    String hex = hex(alpn);
    return "" + hex.charAt(0) + hex.charAt(hex.length() - 1);
  }

  private static boolean alphanumeric(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static List<Integer> withoutGrease(List<Integer> values) {
    List<Integer> out = new ArrayList<>(values.size());
    for (int v : values) {
      if (!isGrease(v)) {
        out.add(v);
      }
    }
    return out;
  }

  private static List<Integer> sorted(List<Integer> values) {
    List<Integer> out = new ArrayList<>(values);
    Collections.sort(out);
    return out;
  }

  private static String hexList(List<Integer> values) {
    StringBuilder s = new StringBuilder(values.size() * 5);
    for (int v : values) {
      if (s.length() > 0) {
        s.append(',');
      }
      for (int shift = 12; shift >= 0; shift -= 4) {
        s.append(Character.forDigit((v >> shift) & 0xF, 16));
      }
    }
    return s.toString();
  }

  private static String decimalList(List<Integer> values) {
    StringJoiner j = new StringJoiner("-");
    for (int v : values) {
      j.add(Integer.toString(v));
    }
    return j.toString();
  }

  private static byte[] digest(String algorithm, String text) {
    try {
      return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      // A restricted (FIPS) provider set may lack MD5: no fingerprint rather than a failure.
      return null;
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return s.toString();
  }
}
