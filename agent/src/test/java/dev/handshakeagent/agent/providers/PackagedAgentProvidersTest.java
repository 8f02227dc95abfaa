package dev.handshakeagent.agent.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.testing.ChildJvm;
import dev.handshakeagent.agent.testing.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent in a child JVM of JDK 17 and of JDK 25 that runs real handshakes on the other
 * providers ({@link ProvidersMain}): Netty with netty-tcnative's OpenSSL next to Netty on the JDK,
 * gRPC on grpc-netty-shaded (its relocated netty-tcnative, and {@code SslProvider.JDK}), Conscrypt
 * as the first provider (an engine pair, and {@code HttpsURLConnection} against {@code openssl
 * s_server}, resumed). Each scenario's roots are asserted over real OTLP: provider, library, the
 * phases the provider reports, failures with their alert, origin and diagnosis. A second child
 * without the agent must see exactly the same results.
 */
class PackagedAgentProvidersTest {

  static Stream<Arguments> jdks() {
    return Stream.of(
        Arguments.of("17", System.getProperty("jdk17.home", "/usr/lib/jvm/java-17-openjdk-amd64")),
        Arguments.of("25", System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64")));
  }

  /** The application's libraries: only what the providers' scenarios need. */
  static List<String> libraries() {
    return ChildJvm.testClassPathJars(
        "netty-", "grpc-", "conscrypt-", "guava-", "failureaccess-", "perfmark-");
  }

  @ParameterizedTest(name = "JDK {0}")
  @MethodSource("jdks")
  void everyProvidersHandshakeIsExportedAndTheApplicationSeesNoDifference(
      String version, String javaHome) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm.Output traced =
          ChildJvm.run(
              ChildJvm.processBuilder(
                  javaHome,
                  List.of(
                      ChildJvm.javaagent(null),
                      "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                      "-Dotel.bsp.schedule.delay=200",
                      "-Dotel.metrics.exporter=none"),
                  Map.of(),
                  ChildJvm.testMain(libraries(), ProvidersMain.class)));
      ChildJvm.Output plain =
          ChildJvm.run(
              ChildJvm.processBuilder(
                  javaHome,
                  List.of(),
                  Map.of(),
                  ChildJvm.testMain(libraries(), ProvidersMain.class)));

      assertEquals(0, traced.exitCode, traced.stderr);
      assertEquals(0, plain.exitCode, plain.stderr);
      assertTrue(traced.stdout.contains("JAVA " + version), "wrong JDK at " + javaHome);
      assertTrue(traced.stdout.contains("DONE"), traced.stdout.toString());
      assertEquals(outcomes(plain), outcomes(traced), "the application saw a difference");
      assertTrue(
          traced.stderrLines().stream().noneMatch(l -> l.contains("handshake-agent")),
          traced.stderr);

      List<OtlpReceiver.Received> spans = receiver.spans();
      List<OtlpReceiver.Received> roots =
          spans.stream().filter(OtlpReceiver.Received::isRoot).collect(Collectors.toList());
      // Scenarios run one after the other, so their roots follow each other in start order (span
      // times come from the monotonic clock; the wall clock of a loaded machine is not trusted).
      List<OtlpReceiver.Received> ordered = byStart(roots);
      int expected = 0;
      for (String line : traced.stdout) {
        if (!line.startsWith("RESULT ")) {
          continue;
        }
        String name = line.split(" ")[1];
        int n = rootsOf(name);
        assertTrue(expected + n <= ordered.size(), line + ": too few roots " + ordered);
        List<OtlpReceiver.Received> in = ordered.subList(expected, expected + n);
        expected += n;
        check(new Scenario(line, spans, role(in, "client"), role(in, "server")), name);
      }
      assertEquals(
          expected,
          roots.size(),
          "roots of no scenario: " + ordered.subList(expected, ordered.size()));
      System.out.println("[providers JDK " + version + "] " + roots.size() + " roots; examples:");
      // One established client root per provider library and API, and one failure each.
      List<String> shown = new ArrayList<>();
      for (OtlpReceiver.Received r : roots) {
        // A diagnosis says nothing it does not know (no unknown lists, no missing alert's name).
        String d = r.attr("handshake.diagnosis");
        assertFalse(d != null && (d.contains("(unknown)") || d.contains("null")), d);
        String provider = r.attr("handshake.provider");
        String kind =
            provider
                + " "
                + r.attr("handshake.provider.library")
                + " "
                + r.attr("handshake.api")
                + " "
                + r.attr("tls.established")
                + " "
                + r.attr("handshake.client_auth");
        if (!"SunJSSE".equals(provider) && !shown.contains(kind)) {
          shown.add(kind);
          System.out.println("  " + describe(spans, r));
        }
      }
    }
  }

  /**
   * The handshakes a scenario starts, each a root: both sides of each connection (the engine pairs'
   * too, the ones closed mid-way included), the client alone against a peer that is no TLS server
   * or against {@code openssl s_server}.
   */
  static int rootsOf(String name) {
    if (name.startsWith("GRPC_")) {
      return 6;
    }
    if (name.startsWith("NETTY_OPENSSL_RESUME_")) {
      return 4;
    }
    if (name.equals("NETTY_OPENSSL_PEER_CLOSES")) {
      return 1;
    }
    return 2;
  }

  static void check(Scenario s, String name) {
    switch (name) {
      case "NETTY_OPENSSL_TLS13":
      case "NETTY_OPENSSL_TLS12":
      case "NETTY_OPENSSL_MTLS":
        s.succeeded(1, "OpenSSL", "BoringSSL (netty-tcnative 2.0.84.Final)");
        s.clientValidates();
        if (name.endsWith("MTLS")) {
          s.serverValidates();
          assertEquals("requested", s.clients.get(0).attr("handshake.client_auth"), s.line);
          assertEquals("required", s.servers.get(0).attr("handshake.client_auth"), s.line);
        }
        break;
      case "NETTY_JDK_TLS13":
      case "NETTY_JDK_TLS12":
      case "NETTY_JDK_MTLS":
        s.succeeded(1, "SunJSSE", null);
        break;
      case "NETTY_OPENSSL_UNTRUSTED":
      case "CONSCRYPT_ENGINE_UNTRUSTED":
        {
          OtlpReceiver.Received c = s.failed(s.clients);
          assertEquals("validate certificate chain", c.attr("handshake.failed_phase"), s.line);
          assertEquals("untrusted_certificate", c.attr("handshake.failure_reason"), s.line);
          if (name.startsWith("NETTY")) {
            // netty-tcnative answers a rejected chain with internal_error.
            OtlpReceiver.Received sv = s.failed(s.servers);
            assertEquals("internal_error", sv.attr("handshake.alert"), s.line);
            assertEquals("peer", sv.attr("handshake.alert.origin"), s.line);
          }
          break;
        }
      case "NETTY_OPENSSL_NO_CLIENT_CERT":
        {
          OtlpReceiver.Received sv = s.failed(s.servers);
          assertEquals("client_certificate_missing", sv.attr("handshake.failure_reason"), s.line);
          OtlpReceiver.Received c = s.failed(s.clients);
          assertEquals("handshake_failure", c.attr("handshake.alert"), s.line);
          assertEquals("peer", c.attr("handshake.alert.origin"), s.line);
          // The server had answered (the client validated its chain): no cipher suite mismatch.
          assertEquals("other", c.attr("handshake.failure_reason"), s.line);
          break;
        }
      case "CONSCRYPT_ENGINE_NO_CLIENT_CERT":
        {
          OtlpReceiver.Received sv = s.failed(s.servers);
          assertEquals("client_certificate_missing", sv.attr("handshake.failure_reason"), s.line);
          break;
        }
      case "NETTY_OPENSSL_PROTOCOL":
      case "CONSCRYPT_ENGINE_PROTOCOL":
        {
          OtlpReceiver.Received sv = s.failed(s.servers);
          assertEquals("protocol_version", sv.attr("handshake.alert"), s.line);
          assertEquals("local", sv.attr("handshake.alert.origin"), s.line);
          assertEquals("protocol_version_mismatch", sv.attr("handshake.failure_reason"), s.line);
          assertNull(sv.attr("tls.protocol.version"), s.line);
          if (name.startsWith("NETTY")) {
            OtlpReceiver.Received c = s.failed(s.clients);
            assertEquals("protocol_version", c.attr("handshake.alert"), s.line);
            assertEquals("peer", c.attr("handshake.alert.origin"), s.line);
          }
          break;
        }
      case "NETTY_OPENSSL_PEER_CLOSES":
      case "CONSCRYPT_ENGINE_PEER_CLOSES":
        {
          OtlpReceiver.Received c = s.failed(s.clients);
          assertTrue(c.attr("handshake.diagnosis").contains("closed"), s.line);
          break;
        }
      case "GRPC_DEFAULT":
        s.succeeded(3, "OpenSSL", "BoringSSL (io.grpc.netty.shaded 1.85.1)");
        break;
      case "GRPC_JDK":
        s.succeeded(3, "SunJSSE", null);
        break;
      case "CONSCRYPT_ENGINE_TLS13":
      case "CONSCRYPT_ENGINE_TLS12":
      case "CONSCRYPT_ENGINE_MTLS":
        s.succeeded(1, "Conscrypt", "BoringSSL (Conscrypt 2.5.2)");
        s.clientValidates();
        if (name.endsWith("MTLS")) {
          s.serverValidates();
          assertEquals("requested", s.clients.get(0).attr("handshake.client_auth"), s.line);
        }
        break;
      case "NETTY_OPENSSL_RESUME_TLS12":
      case "NETTY_OPENSSL_RESUME_TLS13":
        {
          assertEquals(2, s.clients.size(), s.line + " " + s.clients);
          assertEquals(2, s.servers.size(), s.line + " " + s.servers);
          List<OtlpReceiver.Received> c = byStart(s.clients);
          List<OtlpReceiver.Received> sv = byStart(s.servers);
          assertEquals("false", c.get(0).attr("tls.resumed"), s.line);
          assertEquals("false", sv.get(0).attr("tls.resumed"), s.line);
          if (name.endsWith("TLS12")) {
            assertEquals("true", c.get(1).attr("tls.resumed"), s.line);
            assertEquals("true", sv.get(1).attr("tls.resumed"), s.line);
          }
          // A client resumed exactly when BoringSSL did not call its trust manager.
          for (OtlpReceiver.Received r : c) {
            assertEquals(
                String.valueOf(s.children(r).isEmpty()), r.attr("tls.resumed"), s.line + " " + r);
          }
          break;
        }
      case "CONSCRYPT_HTTPS_URL_CONNECTION_TLS12":
      case "CONSCRYPT_HTTPS_URL_CONNECTION_TLS13":
        {
          assertEquals(2, s.clients.size(), s.line + " " + s.clients);
          assertEquals(0, s.servers.size(), s.line + " " + s.servers);
          for (OtlpReceiver.Received c : s.clients) {
            assertEquals("Conscrypt", c.attr("handshake.provider"), s.line);
            assertEquals("true", c.attr("tls.established"), s.line);
            assertEquals("localhost", c.attr("server.address"), s.line);
            // The engine socket's events name the socket (its engine is an alias).
            assertEquals("SSLSocket", c.attr("handshake.api"), s.line);
            // HttpsURLConnection closes at once: the certificates were kept at the end.
            assertEquals("CN=localhost,O=handshake-agent", c.attr("tls.server.subject"), s.line);
          }
          List<OtlpReceiver.Received> byTime = byStart(s.clients);
          assertEquals("false", byTime.get(0).attr("tls.resumed"), s.line);
          assertEquals("true", byTime.get(1).attr("tls.resumed"), s.line);
          assertEquals(List.of("validate certificate chain"), s.children(byTime.get(0)), s.line);
          assertEquals(List.of(), s.children(byTime.get(1)), s.line);
          break;
        }
      default:
        throw new AssertionError("unknown scenario " + s.line);
    }
  }

  /** One scenario's roots and the assertions they share. */
  static final class Scenario {
    final String line;
    final List<OtlpReceiver.Received> spans;
    final List<OtlpReceiver.Received> clients;
    final List<OtlpReceiver.Received> servers;

    Scenario(
        String line,
        List<OtlpReceiver.Received> spans,
        List<OtlpReceiver.Received> clients,
        List<OtlpReceiver.Received> servers) {
      this.line = line;
      this.spans = spans;
      this.clients = clients;
      this.servers = servers;
    }

    void succeeded(int perSide, String provider, String library) {
      assertEquals(perSide, clients.size(), line + " " + clients);
      assertEquals(perSide, servers.size(), line + " " + servers);
      for (OtlpReceiver.Received r : concat()) {
        assertEquals(provider, r.attr("handshake.provider"), line + " " + r);
        assertEquals("true", r.attr("tls.established"), line + " " + r);
        if (!provider.equals("SunJSSE")) {
          // Native messages: whether a HelloRetryRequest happened is unknown, so left out.
          assertNull(r.attr("handshake.hello_retry"), line + " " + r);
        }
        assertEquals("SSLEngine", r.attr("handshake.api"), line + " " + r);
        assertNotNull(r.attr("tls.cipher"), line + " " + r);
        // Every established root shows the server's certificate, even when the application
        // closed the connection before the agent's thread read the session.
        assertNotNull(r.attr("tls.server.subject"), line + " " + r);
        // What the application saw; gRPC's calls do not say, its roots must still have one.
        assertTrue(
            line.contains("OK " + tlsVersion(r))
                || line.contains("answers=") && r.attr("tls.protocol.version") != null,
            line + " " + r);
        if (library != null) {
          assertEquals(library, r.attr("handshake.provider.library"), line + " " + r);
        }
      }
      for (OtlpReceiver.Received c : clients) {
        assertNotNull(c.attr("tls.server.subject"), line + " " + c);
        assertNotNull(c.attr("tls.server.hash.sha256"), line + " " + c);
      }
    }

    OtlpReceiver.Received failed(List<OtlpReceiver.Received> side) {
      assertEquals(1, side.size(), line + " " + side);
      OtlpReceiver.Received r = side.get(0);
      assertEquals("false", r.attr("tls.established"), line + " " + r);
      assertNotNull(r.attr("handshake.diagnosis"), line + " " + r);
      assertTrue(
          r.attr("handshake.provider").equals("OpenSSL")
              || r.attr("handshake.provider").equals("Conscrypt"),
          line + " " + r);
      return r;
    }

    void clientValidates() {
      assertEquals(List.of("validate certificate chain"), children(clients.get(0)), line);
    }

    void serverValidates() {
      assertEquals(List.of("validate certificate chain"), children(servers.get(0)), line);
    }

    List<String> children(OtlpReceiver.Received root) {
      return PackagedAgentProvidersTest.children(spans, root);
    }

    List<OtlpReceiver.Received> concat() {
      List<OtlpReceiver.Received> all = new ArrayList<>(clients);
      all.addAll(servers);
      return all;
    }
  }

  static String tlsVersion(OtlpReceiver.Received r) {
    return "TLSv" + r.attr("tls.protocol.version");
  }

  static List<String> children(List<OtlpReceiver.Received> spans, OtlpReceiver.Received root) {
    return spans.stream()
        .filter(s -> s.span.getParentSpanId().equals(root.span.getSpanId()))
        .map(s -> s.span.getName())
        .collect(Collectors.toList());
  }

  static List<OtlpReceiver.Received> byStart(List<OtlpReceiver.Received> roots) {
    List<OtlpReceiver.Received> sorted = new ArrayList<>(roots);
    sorted.sort(
        (a, b) -> Long.compare(a.span.getStartTimeUnixNano(), b.span.getStartTimeUnixNano()));
    return sorted;
  }

  static List<OtlpReceiver.Received> role(List<OtlpReceiver.Received> roots, String role) {
    return roots.stream()
        .filter(r -> role.equals(r.attr("handshake.role")))
        .collect(Collectors.toList());
  }

  /** The RESULT lines without times and ports. */
  static List<String> outcomes(ChildJvm.Output out) {
    List<String> lines = new ArrayList<>();
    for (String line : out.stdout) {
      if (line.startsWith("RESULT ")) {
        String[] p = line.split(" ", 6);
        lines.add(p[1] + " " + p[5]);
      }
    }
    return lines;
  }

  /** A root as the closing note shows it: name, attributes, child spans and events. */
  static String describe(List<OtlpReceiver.Received> spans, OtlpReceiver.Received root) {
    StringBuilder b = new StringBuilder(root.span.getName()).append(" {");
    root.span.getAttributesList().stream()
        .filter(kv -> !kv.getKey().startsWith("tls.client.supported"))
        .forEach(
            kv ->
                b.append(' ')
                    .append(kv.getKey())
                    .append('=')
                    .append(OtlpReceiver.value(List.of(kv), kv.getKey())));
    b.append(" } phases=").append(children(spans, root));
    List<String> events =
        root.span.getEventsList().stream().map(Span.Event::getName).collect(Collectors.toList());
    return b.append(" events=").append(events).toString();
  }
}
