package dev.handshakeagent.demo;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * One named handshake case: what it does, what the application should see, and how to run it.
 *
 * @param name kebab-case, as given to {@code --scenario}
 * @param summary one line for {@code --list}
 */
record Scenario(String name, String summary, Expectation expectation, Body body) {

  /** Runs the scenario once. */
  interface Body {
    Exchange run(Lab lab) throws Exception;
  }

  /** Every scenario, in the order a full run uses. {@code slow} only shapes the expectation. */
  static List<Scenario> all(Duration slow) {
    return List.of(
        new Scenario(
            "tls13-socket",
            "TLS 1.3 over SSLSocket",
            Expectation.ok("TLSv1.3"),
            lab -> SocketTls.run(lab, server(lab).protocols("TLSv1.3"), client(lab))),
        new Scenario(
            "tls12-socket",
            "TLS 1.2 over SSLSocket",
            Expectation.ok("TLSv1.2"),
            lab -> SocketTls.run(lab, server(lab).protocols("TLSv1.2"), client(lab))),
        new Scenario(
            "tls13-engine",
            "TLS 1.3 over SSLEngine on NIO socket channels",
            Expectation.ok("TLSv1.3"),
            lab -> EngineTls.run(lab, server(lab).protocols("TLSv1.3"), client(lab))),
        new Scenario(
            "tls12-engine",
            "TLS 1.2 over SSLEngine on NIO socket channels",
            Expectation.ok("TLSv1.2"),
            lab -> EngineTls.run(lab, server(lab).protocols("TLSv1.2"), client(lab))),
        new Scenario(
            "mutual-tls",
            "the server requires a client certificate and the client has one (TLS 1.3)",
            Expectation.ok("TLSv1.3"),
            lab ->
                SocketTls.run(
                    lab,
                    server(lab).protocols("TLSv1.3").needClientAuth(),
                    TlsSide.client(lab.pki().clientContext(true)))),
        new Scenario(
            "client-cert-missing",
            "the server requires a client certificate, the client has none (TLS 1.3: the client"
                + " finishes, then its first read fails)",
            Expectation.failed("bad_certificate", "certificate_required"),
            lab ->
                SocketTls.run(lab, server(lab).protocols("TLSv1.3").needClientAuth(), client(lab))),
        new Scenario(
            "untrusted-ca",
            "the server's certificate is self-signed, not issued by the CA the client trusts",
            Expectation.failed("certificate_unknown"),
            lab -> SocketTls.run(lab, server(lab, DemoPki.Identity.UNTRUSTED), client(lab))),
        new Scenario(
            "expired-cert",
            "the server's certificate expired over a year ago",
            Expectation.failed("certificate_unknown", "certificate_expired"),
            lab -> SocketTls.run(lab, server(lab, DemoPki.Identity.EXPIRED), client(lab))),
        new Scenario(
            "hostname-mismatch",
            "the client connects to localhost, the certificate is for wrong.example only",
            Expectation.failed("certificate_unknown"),
            lab -> SocketTls.run(lab, server(lab, DemoPki.Identity.WRONG_HOST), client(lab))),
        new Scenario(
            "protocol-mismatch",
            "the server allows TLS 1.3 only, the client TLS 1.2 only",
            Expectation.failed("protocol_version"),
            lab ->
                SocketTls.run(
                    lab, server(lab).protocols("TLSv1.3"), client(lab).protocols("TLSv1.2"))),
        new Scenario(
            "no-shared-cipher",
            "TLS 1.3 with no cipher suite in common",
            Expectation.failed("handshake_failure"),
            lab ->
                SocketTls.run(
                    lab,
                    server(lab).protocols("TLSv1.3").cipherSuites("TLS_AES_256_GCM_SHA384"),
                    client(lab).protocols("TLSv1.3").cipherSuites("TLS_AES_128_GCM_SHA256"))),
        new Scenario(
            "hello-retry",
            "the server refuses the client's first key shares (x25519, secp256r1), forcing a"
                + " HelloRetryRequest",
            Expectation.ok("TLSv1.3"),
            lab ->
                SocketTls.run(
                    lab,
                    server(lab).protocols("TLSv1.3").constraints(new RejectCommonGroups()),
                    client(lab))),
        new Scenario(
            "session-resumption",
            "two TLS 1.3 connections from one client context; the second resumes the session",
            Expectation.ok("TLSv1.3"),
            Scenario::resumption),
        new Scenario(
            "https-httpclient",
            "java.net.http.HttpClient calls the JDK's HttpsServer",
            Expectation.ok("TLSv1.3"),
            lab ->
                HttpsCall.run(
                    lab.pki().serverContext(DemoPki.Identity.SERVER),
                    lab.pki().clientContext(false))),
        new Scenario(
            "slow-handshake",
            "the client's trust manager waits "
                + slow.toMillis()
                + " ms before it validates (a hanging OCSP responder or HSM)",
            Expectation.slowClient("TLSv1.3", slow),
            lab ->
                SocketTls.run(
                    lab,
                    server(lab).protocols("TLSv1.3"),
                    TlsSide.client(
                        lab.pki()
                            .clientContext(
                                new SlowTrustManager(lab.pki().trustManager(), lab.slow()))))));
  }

  private static TlsSide server(Lab lab) {
    return server(lab, DemoPki.Identity.SERVER);
  }

  private static TlsSide server(Lab lab, DemoPki.Identity identity) {
    return TlsSide.server(lab.pki().serverContext(identity));
  }

  private static TlsSide client(Lab lab) {
    return TlsSide.client(lab.pki().clientContext(false));
  }

  /**
   * The client context keeps the session (a TLS 1.3 ticket, which the client stores when its first
   * read consumes the new_session_ticket) and offers it on the second connection.
   */
  private static Exchange resumption(Lab lab) throws Exception {
    SSLContext shared = lab.pki().clientContext(false);
    Exchange exchange =
        SocketTls.run(lab, server(lab).protocols("TLSv1.3"), TlsSide.client(shared), 2);
    SSLSession first = exchange.connections().get(0).client().session();
    SSLSession second = exchange.connections().get(1).client().session();
    if (first == null || second == null) {
      return exchange;
    }
    return exchange.withNote("resumed=" + resumed(first, second));
  }

  /**
   * What the application can tell: a resumed session keeps the original's creation time (and, in
   * TLS 1.2, its id). A PSK resumption is not otherwise visible through the public API.
   */
  private static String resumed(SSLSession first, SSLSession second) {
    if (first.getId().length > 0 && Arrays.equals(first.getId(), second.getId())) {
      return "yes (same session id)";
    }
    if (first.getCreationTime() == second.getCreationTime()) {
      return "yes (same session creation time)";
    }
    return "no (new session id and creation time)";
  }
}
