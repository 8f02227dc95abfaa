package dev.handshakeagent.agent.reliability;

import static dev.handshakeagent.agent.reliability.Reliability.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.TestPki;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code handshake.client.ja4} and {@code tls.client.ja3} on real handshakes: every client runs
 * through a {@link WireTap}, and the root's fingerprints must equal those read here, independently
 * of the agent's code, from the client_hello on the wire. The parts a client's command line fixes
 * (cipher suites, ALPN, SNI) are checked against that command line too. JDK client to JDK server:
 * both roots carry the same values; curl and {@code openssl s_client} to a JDK server: the server's
 * root carries theirs, and they differ from the JDK's.
 */
class ClientFingerprintTest {
  static final String JA4 = "handshake.client.ja4";
  static final String JA3 = "tls.client.ja3";

  static AgentRuntime agent;
  static Path ca;

  @BeforeAll
  static void setUp() {
    assertTrue(
        ExternalPeer.available("openssl") && ExternalPeer.available("curl"),
        "openssl and curl must be on the PATH (.ci/run: apt-get install -y openssl curl)");
    agent = Reliability.agent("abandon.timeout=10s");
    ca = TestPki.dir().resolve("ca.cer");
  }

  @AfterAll
  static void agentStateIsEmpty() throws Exception {
    Reliability.assertQuiet(agent, 5_000);
  }

  /** Both roots of a JDK-to-JDK handshake carry the client's fingerprints; so does a resumption. */
  @Test
  void jdkClientAndJdkServerAgree() throws Exception {
    SSLContext client = TestPki.clientContext(false);
    try (TlsTestServer server = RealPeersTest.jdkServer(null, false);
        WireTap tap = new WireTap(server.port())) {
      List<SpanData[]> roots = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int before = server.accepted();
        jdkClient(tap.port(), client);
        assertTrue(server.awaitIdle(before + 1, 15_000), "the JDK server did not finish");
        List<SpanData> spans = InProcessAgent.spans();
        roots.add(
            new SpanData[] {
              only(Reliability.roots(spans, "client")), only(Reliability.roots(spans, "server"))
            });
        InProcessAgent.reset();
      }
      List<WireTap.Connection> wire = tap.connections();
      assertEquals(2, wire.size());
      for (int i = 0; i < 2; i++) {
        WireHello hello = WireHello.of(wire.get(i));
        SpanData clientRoot = roots.get(i)[0];
        SpanData serverRoot = roots.get(i)[1];
        String context = "connection " + i + ": " + hello.ja4Raw() + " / " + hello.ja3String();
        assertEquals(hello.ja4(), str(clientRoot, JA4), context);
        assertEquals(hello.ja4(), str(serverRoot, JA4), context);
        assertEquals(hello.ja3(), str(clientRoot, JA3), context);
        assertEquals(hello.ja3(), str(serverRoot, JA3), context);
        // Set by jdkClient: SNI localhost, ALPN h2 then http/1.1; the JDK offers TLS 1.3.
        assertTrue(str(clientRoot, JA4).matches("t13d\\d{4}h2_[0-9a-f]{12}_[0-9a-f]{12}"), context);
        assertTrue(str(clientRoot, JA3).matches("[0-9a-f]{32}"), context);
      }
      // The resumption offers a pre_shared_key (0x0029): another fingerprint, read all the same.
      assertTrue(WireHello.of(wire.get(1)).extensions.contains(0x0029));
      assertNotEquals(str(roots.get(0)[0], JA4), str(roots.get(1)[0], JA4));
      Reliability.report("JDK " + Reliability.JDK + " client: " + str(roots.get(0)[0], JA4));
    }
  }

  /**
   * curl with two TLS 1.3 suites: OpenSSL adds the renegotiation SCSV (0x00ff), so three "ciphers";
   * ALPN h2 first (curl's default with HTTP/2 support); SNI localhost.
   */
  @Test
  void curlToJdkServer() throws Exception {
    String ja4 =
        externalClient(
            port ->
                List.of(
                    "curl",
                    "-v",
                    "-sS",
                    "--max-time",
                    "20",
                    "--cacert",
                    ca.toString(),
                    "--tlsv1.3",
                    "--tls13-ciphers",
                    "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
                    "--resolve",
                    "localhost:" + port + ":127.0.0.1",
                    "https://localhost:" + port + "/"),
            null,
            "t13d03",
            "h2",
            "00ff,1301,1302");
    assertNotEquals(jdkJa4(), ja4, "curl and the JDK look alike");
  }

  /**
   * openssl s_client with one TLS 1.3 and one TLS 1.2 suite (plus the SCSV), ALPN http/1.1 (h1).
   */
  @Test
  void opensslSClientToJdkServer() throws Exception {
    String ja4 =
        externalClient(
            port ->
                List.of(
                    "openssl",
                    "s_client",
                    "-connect",
                    "127.0.0.1:" + port,
                    "-servername",
                    "localhost",
                    "-CAfile",
                    ca.toString(),
                    "-ciphersuites",
                    "TLS_AES_128_GCM_SHA256",
                    "-cipher",
                    "ECDHE-RSA-AES128-GCM-SHA256",
                    "-alpn",
                    "http/1.1",
                    "-ign_eof"),
            RealPeersTest.REQUEST,
            "t13d03",
            "h1",
            "00ff,1301,c02f");
    assertNotEquals(jdkJa4(), ja4, "openssl and the JDK look alike");
  }

  interface Command {
    List<String> at(int port);
  }

  /**
   * Runs an external client against a JDK server through a tap; checks the server root's
   * fingerprints against the wire and the parts fixed by the command line. Returns the JA4.
   */
  static String externalClient(
      Command command, String stdin, String ja4Start, String alpn, String sortedCiphers)
      throws Exception {
    try (TlsTestServer server = RealPeersTest.jdkServer(null, false);
        WireTap tap = new WireTap(server.port())) {
      int before = server.accepted();
      ExternalPeer.Report peer = ExternalPeer.run(command.at(tap.port()), stdin);
      assertTrue(server.awaitIdle(before + 1, 15_000), "the JDK server did not finish");
      assertEquals(0, peer.exitCode, peer.output);
      SpanData root = RealPeersTest.serverRoot(server);
      WireHello hello = WireHello.of(tap.connections().get(0));
      String ja4 = str(root, JA4);
      String context = ja4 + " vs wire " + hello.ja4Raw() + " / " + hello.ja3String();
      assertNotNull(ja4, root.getAttributes().toString());
      assertEquals(hello.ja4(), ja4, context);
      assertEquals(hello.ja3(), str(root, JA3), context);
      // What the command line fixes, without the agent's code or the wire: a, b.
      assertTrue(ja4.startsWith(ja4Start), context);
      assertEquals(alpn, ja4.substring(8, 10), context);
      assertEquals(sha256First12(sortedCiphers), ja4.split("_")[1], context);
      Reliability.report(command.at(0).get(0) + ": " + ja4 + " ja3 " + str(root, JA3));
      return ja4;
    }
  }

  /** The JA4 of this JDK's client (as a server root of this JVM sees it). */
  static String jdkJa4() throws Exception {
    try (TlsTestServer server = RealPeersTest.jdkServer(null, false)) {
      int before = server.accepted();
      jdkClient(server.port(), TestPki.clientContext(false));
      assertTrue(server.awaitIdle(before + 1, 15_000), "the JDK server did not finish");
      List<SpanData> spans = InProcessAgent.spans();
      String ja4 = str(only(Reliability.roots(spans, "server")), JA4);
      InProcessAgent.reset();
      assertNotNull(ja4);
      return ja4;
    }
  }

  /** SSLSocket client: SNI localhost, ALPN h2 and http/1.1, GET / and read the whole answer. */
  static void jdkClient(int port, SSLContext context) throws IOException {
    try (SSLSocket c = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      c.setSoTimeout(15_000);
      SSLParameters p = c.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName("localhost")));
      p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
      c.setSSLParameters(p);
      c.startHandshake();
      c.getOutputStream().write(RealPeersTest.REQUEST.getBytes(StandardCharsets.US_ASCII));
      c.getOutputStream().flush();
      c.getInputStream().readAllBytes();
    }
  }

  static SpanData only(List<SpanData> roots) {
    assertEquals(1, roots.size(), roots.toString());
    return roots.get(0);
  }

  static String sha256First12(String text) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d).substring(0, 12);
  }

  /**
   * The client_hello as the tap saw it, read here with plain index arithmetic (deliberately not
   * with the agent's parser), and JA3 / JA4 computed from it by the two specifications' rules.
   */
  static final class WireHello {
    int legacyVersion;
    final List<Integer> ciphers = new ArrayList<>();
    final List<Integer> extensions = new ArrayList<>();
    final List<Integer> groups = new ArrayList<>();
    final List<Integer> pointFormats = new ArrayList<>();
    final List<Integer> versions = new ArrayList<>();
    final List<Integer> signatures = new ArrayList<>();
    String alpn = "";

    static WireHello of(WireTap.Connection c) {
      byte[] up;
      synchronized (c.toServer) {
        up = c.toServer.toByteArray();
      }
      byte[] m = WireTap.plaintextHandshake(up).get(0);
      assertEquals(1, m[0], "the first message is not a client_hello");
      WireHello h = new WireHello();
      int p = 4;
      h.legacyVersion = u16(m, p);
      p += 2 + 32;
      p += 1 + (m[p] & 0xFF);
      int n = u16(m, p);
      for (int i = 0; i < n; i += 2) {
        h.ciphers.add(u16(m, p + 2 + i));
      }
      p += 2 + n;
      p += 1 + (m[p] & 0xFF);
      int end = p + 2 + u16(m, p);
      p += 2;
      while (p < end) {
        int type = u16(m, p);
        int len = u16(m, p + 2);
        int d = p + 4;
        h.extensions.add(type);
        if (type == 10 || type == 13) {
          for (int i = 0; i < u16(m, d); i += 2) {
            (type == 10 ? h.groups : h.signatures).add(u16(m, d + 2 + i));
          }
        } else if (type == 11) {
          for (int i = 0; i < (m[d] & 0xFF); i++) {
            h.pointFormats.add(m[d + 1 + i] & 0xFF);
          }
        } else if (type == 43) {
          for (int i = 0; i < (m[d] & 0xFF); i += 2) {
            h.versions.add(u16(m, d + 1 + i));
          }
        } else if (type == 16) {
          h.alpn = new String(m, d + 3, m[d + 2] & 0xFF, StandardCharsets.ISO_8859_1);
        }
        p = d + len;
      }
      assertEquals(m.length, p, "client_hello not read to its end");
      return h;
    }

    String ja3String() {
      return legacyVersion
          + ","
          + join(noGrease(ciphers), "-", "%d")
          + ","
          + join(noGrease(extensions), "-", "%d")
          + ","
          + join(noGrease(groups), "-", "%d")
          + ","
          + join(pointFormats, "-", "%d");
    }

    String ja3() throws Exception {
      byte[] d =
          MessageDigest.getInstance("MD5").digest(ja3String().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    }

    /** JA4_r: part a, then the two lists before hashing. */
    String ja4Raw() {
      List<Integer> ext = noGrease(extensions);
      int version = Collections.max(noGrease(versions));
      String a =
          "t"
              + (version == 0x0304 ? "13" : version == 0x0303 ? "12" : "??")
              + (ext.contains(0) ? "d" : "i")
              + String.format("%02d%02d", noGrease(ciphers).size(), ext.size())
              + (alpn.isEmpty() ? "00" : "" + alpn.charAt(0) + alpn.charAt(alpn.length() - 1));
      List<Integer> c = sorted(noGrease(ciphers));
      List<Integer> e = sorted(ext);
      e.remove(Integer.valueOf(0));
      e.remove(Integer.valueOf(16));
      return a
          + "_"
          + join(c, ",", "%04x")
          + "_"
          + join(e, ",", "%04x")
          + "_"
          + join(noGrease(signatures), ",", "%04x");
    }

    String ja4() throws Exception {
      String[] r = ja4Raw().split("_");
      return r[0] + "_" + sha256First12(r[1]) + "_" + sha256First12(r[2] + "_" + r[3]);
    }

    // GREASE filtering, sorting and joining are written again here on purpose (the agent's
    // ClientHelloFingerprint has its own): a mistake shared with the agent would hide from this
    // test.
    private static List<Integer> noGrease(List<Integer> values) {
      List<Integer> out = new ArrayList<>();
      for (int v : values) {
        if (!((v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff))) {
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

    private static String join(List<Integer> values, String sep, String format) {
      StringJoiner j = new StringJoiner(sep);
      for (int v : values) {
        j.add(String.format(format, v));
      }
      return j.toString();
    }

    private static int u16(byte[] b, int p) {
      return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }
  }
}
