package dev.handshakeagent.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * JA4 and JA3 of client_hello messages built byte by byte here. The expected values are worked out
 * from the specifications (FoxIO's technical_details/JA4.md, salesforce/ja3's README): the
 * intermediate strings are written out, and the hashes were taken of those strings with {@code
 * sha256sum} / {@code md5sum}, not with the code under test.
 */
class ClientHelloFingerprintTest {

  /** A client_hello with GREASE in ciphers, extensions, groups and versions, SNI, ALPN, a PSK. */
  private static byte[] greasedHello() {
    Hello h = new Hello(0x0303);
    h.ciphers(0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0x009c, 0x00ff);
    h.extension(0x1a1a);
    h.extension(0x0000, sni("example.com"));
    h.extension(0x0017);
    h.extension(0xff01, 0);
    h.extension(0x000a, u16List(0x2a2a, 0x001d, 0x0017, 0x0018));
    h.extension(0x000b, 1, 0);
    h.extension(0x0010, alpn("h2", "http/1.1"));
    h.extension(0x000d, u16List(0x0403, 0x0804, 0x0401));
    h.extension(0x002b, 6, 0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03);
    h.extension(0x0033, keyShare());
    h.extension(0x4a4a, 0);
    // pre_shared_key last (RFC 8446 4.2.11): identity and binder are made-up bytes here.
    h.extension(0x0029, psk());
    return h.body();
  }

  @Test
  void ja4OfAGreasedHelloWorkedOutByHand() {
    ClientHelloOffer o = ClientHelloOffer.parse(greasedHello());
    assertTrue(o.complete);
    // t (TCP), 13 (supported_versions 0x0304, GREASE 0x3a3a ignored), d (SNI present),
    // 07 ciphers (0x0a0a ignored), 10 extensions (0x1a1a, 0x4a4a ignored; SNI and ALPN counted),
    // h2 (first ALPN value "h2").
    assertEquals("t13d0710h2", ClientHelloFingerprint.ja4a(o));
    assertEquals("009c,00ff,1301,1302,1303,c02b,c02f", ClientHelloFingerprint.ja4b(o));
    // Sorted, without 0000 (SNI) and 0010 (ALPN); then the signature algorithms as sent.
    assertEquals(
        "000a,000b,000d,0017,0029,002b,0033,ff01_0403,0804,0401", ClientHelloFingerprint.ja4c(o));
    // sha256sum of the two strings above, first 12 hex digits: 03abedc0472e, 6d307ab1893c.
    assertEquals("t13d0710h2_03abedc0472e_6d307ab1893c", ClientHelloFingerprint.ja4(o));
  }

  @Test
  void ja3OfAGreasedHelloWorkedOutByHand() {
    ClientHelloOffer o = ClientHelloOffer.parse(greasedHello());
    // legacy_version 0x0303 = 771; ciphers, extensions and groups in wire order, GREASE left out;
    // point formats: uncompressed (0).
    assertEquals(
        "771,4865-4866-4867-49195-49199-156-255,0-23-65281-10-11-16-13-43-51-41,29-23-24,0",
        ClientHelloFingerprint.ja3String(o));
    // md5sum of that string.
    assertEquals("02a396243f3fa8b090f3b78812d37a11", ClientHelloFingerprint.ja3(o));
  }

  /** The example of JA4.md: its ciphers, extensions (in its original order) and algorithms. */
  @Test
  void ja4OfTheSpecificationsExample() {
    Hello h = new Hello(0x0303);
    h.ciphers(
        0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
        0xc014, 0x009c, 0x009d, 0x002f, 0x0035);
    h.extension(0xdada);
    int[] order = {
      0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012,
      0x002b, 0xff01, 0x000b, 0x000a, 0x0015
    };
    for (int type : order) {
      if (type == 0x0000) {
        h.extension(type, sni("example.com"));
      } else if (type == 0x0010) {
        h.extension(type, alpn("h2", "http/1.1"));
      } else if (type == 0x000d) {
        h.extension(type, u16List(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601));
      } else if (type == 0x002b) {
        h.extension(type, 4, 0x03, 0x04, 0x03, 0x03);
      } else {
        h.extension(type);
      }
    }
    h.extension(0x8a8a, 0);
    ClientHelloOffer o = ClientHelloOffer.parse(h.body());
    assertEquals(
        "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9",
        ClientHelloFingerprint.ja4b(o));
    assertEquals(
        "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"
            + "_0403,0804,0401,0503,0805,0501,0806,0601",
        ClientHelloFingerprint.ja4c(o));
    assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", ClientHelloFingerprint.ja4(o));
  }

  @Test
  void hashesOfTheSpecificationsExamples() {
    // JA4.md: the extension list without signature algorithms, and an empty list.
    assertEquals(
        "6d807ffa2a79",
        ClientHelloFingerprint.hash12(
            "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"));
    assertEquals("000000000000", ClientHelloFingerprint.hash12(""));
  }

  /** salesforce/ja3's README: a TLS 1.0 hello with no extensions at all. */
  @Test
  void ja3OfAHelloWithoutExtensions() {
    Hello h = new Hello(0x0301);
    h.ciphers(4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99);
    ClientHelloOffer o = ClientHelloOffer.parse(h.bodyWithoutExtensions());
    assertTrue(o.complete);
    assertEquals("769,4-5-10-9-100-98-3-6-19-18-99,,,", ClientHelloFingerprint.ja3String(o));
    assertEquals("de350869b8c85de67a350c8d186f11e6", ClientHelloFingerprint.ja3(o));
    // No SNI (i), no extensions (00), no ALPN (00); part c has no values.
    assertEquals("t10i110000", ClientHelloFingerprint.ja4a(o));
    assertTrue(ClientHelloFingerprint.ja4(o).endsWith("_000000000000"));
  }

  /** The header form (what the client side copies) gives the same as the body alone. */
  @Test
  void handshakeHeaderIsSkipped() {
    byte[] body = greasedHello();
    byte[] message = new byte[body.length + 4];
    message[0] = 1;
    message[1] = (byte) (body.length >> 16);
    message[2] = (byte) (body.length >> 8);
    message[3] = (byte) body.length;
    System.arraycopy(body, 0, message, 4, body.length);
    assertEquals(
        "t13d0710h2_03abedc0472e_6d307ab1893c",
        ClientHelloFingerprint.ja4(ClientHelloOffer.parse(message)));
  }

  @Test
  void truncatedCopyHasNoFingerprint() {
    byte[] body = greasedHello();
    ClientHelloOffer o = ClientHelloOffer.parse(Arrays.copyOf(body, body.length - 10));
    assertFalse(o.complete);
    assertNull(ClientHelloFingerprint.ja4(o));
    assertNull(ClientHelloFingerprint.ja3(o));
  }

  /** JA4.md's ALPN rules: non-alphanumeric first or last byte gives hex digits. */
  @Test
  void alpnCodes() {
    assertEquals("00", ClientHelloFingerprint.alpnCode(null));
    assertEquals("00", ClientHelloFingerprint.alpnCode(new byte[0]));
    assertEquals("h1", ClientHelloFingerprint.alpnCode(ascii("http/1.1")));
    assertEquals("hh", ClientHelloFingerprint.alpnCode(ascii("h")));
    assertEquals("ab", ClientHelloFingerprint.alpnCode(bytes(0xAB)));
    assertEquals("ad", ClientHelloFingerprint.alpnCode(bytes(0xAB, 0xCD)));
    assertEquals("3b", ClientHelloFingerprint.alpnCode(bytes(0x30, 0xAB)));
    assertEquals("3d", ClientHelloFingerprint.alpnCode(bytes(0x30, 0x31, 0xAB, 0xCD)));
    assertEquals("01", ClientHelloFingerprint.alpnCode(bytes(0x30, 0xAB, 0xCD, 0x31)));
  }

  @Test
  void greaseValues() {
    for (int i = 0; i < 16; i++) {
      int v = (i << 12) | 0x0a00 | (i << 4) | 0x0a;
      assertTrue(ClientHelloFingerprint.isGrease(v), Integer.toHexString(v));
    }
    assertFalse(ClientHelloFingerprint.isGrease(0x0a1a));
    assertFalse(ClientHelloFingerprint.isGrease(0x1301));
    assertFalse(ClientHelloFingerprint.isGrease(0x000a));
  }

  /** DTLS 1.2: a cookie after the session id, "d" for the transport, "d2" for the version. */
  @Test
  void dtlsHello() {
    Hello h = new Hello(0xfefd);
    h.cookie = true;
    h.ciphers(0xc02b);
    h.extension(0x000d, u16List(0x0403));
    ClientHelloOffer o = ClientHelloOffer.parse(h.body());
    assertEquals("dd2i010100", ClientHelloFingerprint.ja4a(o));
    assertEquals("000d_0403", ClientHelloFingerprint.ja4c(o));
  }

  // ------------------------------------------------------------------ building client_hellos

  private static byte[] sni(String host) {
    byte[] name = ascii(host);
    Bytes b = new Bytes();
    b.u16(name.length + 3).u8(0).u16(name.length).raw(name);
    return b.toByteArray();
  }

  private static byte[] alpn(String... protocols) {
    Bytes list = new Bytes();
    for (String p : protocols) {
      list.u8(p.length()).raw(ascii(p));
    }
    return new Bytes().u16(list.size()).raw(list.toByteArray()).toByteArray();
  }

  private static byte[] u16List(int... values) {
    Bytes b = new Bytes().u16(values.length * 2);
    for (int v : values) {
      b.u16(v);
    }
    return b.toByteArray();
  }

  private static byte[] keyShare() {
    return new Bytes().u16(36).u16(0x001d).u16(32).raw(new byte[32]).toByteArray();
  }

  private static byte[] psk() {
    byte[] identity = ascii("made-up ticket");
    byte[] binder = new byte[32];
    Bytes b = new Bytes();
    b.u16(identity.length + 6).u16(identity.length).raw(identity).raw(new byte[4]);
    b.u16(binder.length + 1).u8(binder.length).raw(binder);
    return b.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static final class Bytes extends ByteArrayOutputStream {
    Bytes u8(int v) {
      write(v);
      return this;
    }

    Bytes u16(int v) {
      write(v >> 8);
      write(v);
      return this;
    }

    Bytes raw(byte[] b) {
      write(b, 0, b.length);
      return this;
    }
  }

  /** A client_hello body (RFC 8446 4.1.2) with a fixed random and a 32-byte session id. */
  private static final class Hello {
    private final int legacyVersion;
    private final Bytes ciphers = new Bytes();
    private final Bytes extensions = new Bytes();
    boolean cookie;

    Hello(int legacyVersion) {
      this.legacyVersion = legacyVersion;
    }

    void ciphers(int... ids) {
      for (int id : ids) {
        ciphers.u16(id);
      }
    }

    void extension(int type, byte[] data) {
      extensions.u16(type).u16(data.length).raw(data);
    }

    void extension(int type, int... data) {
      extension(type, bytes(data));
    }

    private Bytes head() {
      Bytes b = new Bytes().u16(legacyVersion).raw(new byte[32]);
      b.u8(32).raw(new byte[32]);
      if (cookie) {
        b.u8(0);
      }
      b.u16(ciphers.size()).raw(ciphers.toByteArray());
      return b.u8(1).u8(0);
    }

    byte[] body() {
      return head().u16(extensions.size()).raw(extensions.toByteArray()).toByteArray();
    }

    byte[] bodyWithoutExtensions() {
      return head().toByteArray();
    }
  }
}
