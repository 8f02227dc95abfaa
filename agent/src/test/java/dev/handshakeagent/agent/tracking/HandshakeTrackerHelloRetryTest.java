package dev.handshakeagent.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link HandshakeTracker#isHelloRetryRequest}: the RFC 8446 HelloRetryRequest random. */
class HandshakeTrackerHelloRetryTest {

  private static final byte[] HRR_RANDOM =
      HexFormat.of().parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

  /** legacy_version 0x0303, the random, then a session id and the rest of a server_hello. */
  private static byte[] body(byte[] random) {
    byte[] b = new byte[2 + 32 + 1 + 32 + 2 + 1 + 6];
    b[0] = 0x03;
    b[1] = 0x03;
    System.arraycopy(random, 0, b, 2, 32);
    b[34] = 32;
    Arrays.fill(b, 35, 67, (byte) 0x5A);
    b[67] = 0x13;
    b[68] = 0x01;
    return b;
  }

  /** The 4-byte handshake header (server_hello, 3-byte length) followed by the body. */
  private static byte[] withHeader(byte[] body) {
    byte[] m = new byte[4 + body.length];
    m[0] = 0x02;
    m[1] = (byte) (body.length >>> 16);
    m[2] = (byte) (body.length >>> 8);
    m[3] = (byte) body.length;
    System.arraycopy(body, 0, m, 4, body.length);
    return m;
  }

  private static byte[] ordinaryRandom() {
    byte[] r = new byte[32];
    for (int i = 0; i < r.length; i++) {
      r[i] = (byte) (i * 37 + 11);
    }
    return r;
  }

  /** Checks the buffer and that its position and limit are unchanged. */
  private static boolean check(ByteBuffer buffer) {
    int position = buffer.position();
    int limit = buffer.limit();
    boolean result = HandshakeTracker.isHelloRetryRequest(buffer);
    assertEquals(position, buffer.position(), "position");
    assertEquals(limit, buffer.limit(), "limit");
    return result;
  }

  @Test
  void magicRandomInBodyIsHelloRetryRequest() {
    assertTrue(check(ByteBuffer.wrap(body(HRR_RANDOM))));
  }

  @Test
  void ordinaryRandomIsNotHelloRetryRequest() {
    assertFalse(check(ByteBuffer.wrap(body(ordinaryRandom()))));
  }

  @Test
  void everyByteOfTheRandomIsCompared() {
    for (int i = 0; i < 32; i++) {
      byte[] almost = HRR_RANDOM.clone();
      almost[i] ^= 0x01;
      assertFalse(check(ByteBuffer.wrap(body(almost))), "random differing at byte " + i);
    }
  }

  @Test
  void bufferStartingWithTheHandshakeHeaderWorks() {
    assertTrue(check(ByteBuffer.wrap(withHeader(body(HRR_RANDOM)))));
    assertFalse(check(ByteBuffer.wrap(withHeader(body(ordinaryRandom())))));
  }

  @Test
  void readsFromThePositionNotFromZero() {
    byte[] msg = body(HRR_RANDOM);
    byte[] padded = new byte[7 + msg.length];
    Arrays.fill(padded, 0, 7, (byte) 0x03);
    System.arraycopy(msg, 0, padded, 7, msg.length);
    ByteBuffer buffer = ByteBuffer.wrap(padded);
    buffer.position(7);
    assertTrue(check(buffer));
    assertEquals(7, buffer.position());

    byte[] header = withHeader(body(HRR_RANDOM));
    ByteBuffer slice = ByteBuffer.allocate(3 + header.length);
    slice.position(3);
    slice.put(header);
    slice.position(3);
    assertTrue(check(slice.asReadOnlyBuffer()));
  }

  @Test
  void tooShortBufferIsNotHelloRetryRequest() {
    byte[] full = body(HRR_RANDOM);
    // Body form needs 2 + 32 bytes.
    for (int length = 1; length < 34; length++) {
      assertFalse(check(ByteBuffer.wrap(full, 0, length)), "body cut to " + length + " bytes");
    }
    assertTrue(check(ByteBuffer.wrap(full, 0, 34)));
    // Header form needs 4 + 2 + 32 bytes.
    byte[] framed = withHeader(full);
    for (int length = 1; length < 38; length++) {
      assertFalse(check(ByteBuffer.wrap(framed, 0, length)), "message cut to " + length + " bytes");
    }
    assertTrue(check(ByteBuffer.wrap(framed, 0, 38)));
  }

  @Test
  void limitIsRespectedEvenWhenTheArrayHoldsMore() {
    ByteBuffer buffer = ByteBuffer.wrap(body(HRR_RANDOM));
    buffer.limit(33); // the last byte of the random is beyond the limit
    assertFalse(check(buffer));
  }

  @Test
  void nullIsNotHelloRetryRequest() {
    assertFalse(HandshakeTracker.isHelloRetryRequest(null));
  }

  @Test
  void emptyBufferIsNotHelloRetryRequest() {
    assertFalse(check(ByteBuffer.allocate(0)));
    ByteBuffer atEnd = ByteBuffer.wrap(body(HRR_RANDOM));
    atEnd.position(atEnd.limit());
    assertFalse(check(atEnd));
  }
}
