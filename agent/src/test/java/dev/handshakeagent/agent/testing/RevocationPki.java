package dev.handshakeagent.agent.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small PKI whose certificates point their revocation sources at loopback, made with {@code
 * openssl} at test start: a CA, leaves with an AIA OCSP URL and a CRL distribution point, a real
 * OCSP responder ({@code openssl ocsp -index} answering each request, behind a JDK HttpServer bound
 * to 127.0.0.1: OpenSSL 3.0's own {@code -port} listens on every interface), the CA's CRL over
 * HTTP, a responder that answers 500, and one that accepts connections and never answers.
 */
public final class RevocationPki implements AutoCloseable {

  /** One leaf certificate and what its revocation sources say about it. */
  public enum Leaf {
    /** OCSP good. */
    GOOD(0x1001, "good.test", Ocsp.RESPONDER, true, false),
    /** OCSP (and the CRL) say revoked. */
    REVOKED(0x1002, "revoked.test", Ocsp.RESPONDER, true, true),
    /** OCSP responder hangs; the CRL says good. */
    SLOW_OCSP(0x1003, "slow.test", Ocsp.HANGS, true, false),
    /** No OCSP URL; the CRL says good. */
    CRL_ONLY(0x1004, "crl.test", Ocsp.NONE, true, false),
    /** OCSP responder answers HTTP 500; the CRL says good. */
    OCSP_500(0x1006, "broken.test", Ocsp.HTTP_500, true, false);

    public final int serial;
    public final String cn;
    final Ocsp ocsp;
    final boolean crl;
    final boolean revoked;

    Leaf(int serial, String cn, Ocsp ocsp, boolean crl, boolean revoked) {
      this.serial = serial;
      this.cn = cn;
      this.ocsp = ocsp;
      this.crl = crl;
      this.revoked = revoked;
    }

    /** Upper-case hex, as {@code handshake.certificate.serial} shows it. */
    public String serialHex() {
      return Integer.toHexString(serial).toUpperCase(Locale.ROOT);
    }
  }

  enum Ocsp {
    RESPONDER,
    HANGS,
    HTTP_500,
    NONE
  }

  private final Path dir;
  private final HttpServer http;
  private final ServerSocket hanging;
  private final X509Certificate ca;
  private final PrivateKey leafKey;
  private final AtomicInteger ocspRequests = new AtomicInteger();
  private final AtomicInteger crlRequests = new AtomicInteger();
  private final List<X509Certificate> leaves = new ArrayList<>();

  private RevocationPki(Path dir) throws Exception {
    this.dir = dir;
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    http = HttpServer.create(new InetSocketAddress(loopback, 0), 50);
    // Accepts in the kernel backlog and is never read: the JDK's OCSP read times out.
    hanging = new ServerSocket(0, 50, loopback);
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/O=handshake-agent/CN=Revocation Test CA",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    openssl(
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "leaf.key");
    StringBuilder index = new StringBuilder();
    for (Leaf leaf : Leaf.values()) {
      issue(leaf);
      String expiry = "301231235959Z";
      index
          .append(leaf.revoked ? "R" : "V")
          .append('\t')
          .append(expiry)
          .append('\t')
          .append(leaf.revoked ? "250101000000Z" : "")
          .append('\t')
          .append(leaf.serialHex())
          .append("\tunknown\t/CN=")
          .append(leaf.cn)
          .append("/O=handshake-agent\n");
    }
    Files.writeString(dir.resolve("index.txt"), index.toString());
    Files.writeString(
        dir.resolve("ca.cnf"),
        "[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = index.txt\n"
            + "certificate = ca.pem\nprivate_key = ca.key\ndefault_md = sha256\n"
            + "default_crl_days = 1\n");
    openssl("ca", "-gencrl", "-config", "ca.cnf", "-out", "ca.crl.pem");
    openssl("crl", "-in", "ca.crl.pem", "-outform", "DER", "-out", "ca.crl");
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
      ca = (X509Certificate) cf.generateCertificate(in);
    }
    for (Leaf leaf : Leaf.values()) {
      try (InputStream in = Files.newInputStream(dir.resolve(leaf.cn + ".pem"))) {
        leaves.add((X509Certificate) cf.generateCertificate(in));
      }
    }
    String pem = Files.readString(dir.resolve("leaf.key"));
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    leafKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    http.createContext("/ocsp", this::ocsp);
    http.createContext(
        "/ocsp-500",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(500, -1);
          ex.close();
        });
    byte[] crl = Files.readAllBytes(dir.resolve("ca.crl"));
    http.createContext(
        "/ca.crl",
        ex -> {
          crlRequests.incrementAndGet();
          ex.getResponseHeaders().add("Content-Type", "application/pkix-crl");
          ex.sendResponseHeaders(200, crl.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(crl);
          }
        });
    http.start();
  }

  /** Makes the PKI in {@code dir} (files are written there) and starts its servers. */
  public static RevocationPki start(Path dir) throws Exception {
    return new RevocationPki(dir);
  }

  /** Ports must be known before the certificates name them: the servers bind first. */
  private void issue(Leaf leaf) throws Exception {
    String base = "http://127.0.0.1:" + http.getAddress().getPort();
    StringBuilder ext =
        new StringBuilder("[ v3 ]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n")
            .append("basicConstraints = CA:FALSE\n");
    switch (leaf.ocsp) {
      case RESPONDER:
        ext.append("authorityInfoAccess = OCSP;URI:").append(base).append("/ocsp\n");
        break;
      case HTTP_500:
        ext.append("authorityInfoAccess = OCSP;URI:").append(base).append("/ocsp-500\n");
        break;
      case HANGS:
        ext.append("authorityInfoAccess = OCSP;URI:http://127.0.0.1:")
            .append(hanging.getLocalPort())
            .append("/ocsp\n");
        break;
      default:
        break;
    }
    if (leaf.crl) {
      ext.append("crlDistributionPoints = URI:").append(base).append("/ca.crl\n");
    }
    Files.writeString(dir.resolve(leaf.cn + ".ext"), ext.toString());
    openssl(
        "req",
        "-new",
        "-key",
        "leaf.key",
        "-subj",
        "/O=handshake-agent/CN=" + leaf.cn,
        "-out",
        leaf.cn + ".csr");
    openssl(
        "x509",
        "-req",
        "-in",
        leaf.cn + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "0x" + leaf.serialHex(),
        "-days",
        "1",
        "-sha256",
        "-extfile",
        leaf.cn + ".ext",
        "-extensions",
        "v3",
        "-out",
        leaf.cn + ".pem");
  }

  /** RFC 6960 over HTTP: POST body or GET path (base64, URL-encoded), answered by openssl. */
  private void ocsp(HttpExchange ex) throws IOException {
    ocspRequests.incrementAndGet();
    byte[] request;
    if ("POST".equals(ex.getRequestMethod())) {
      request = ex.getRequestBody().readAllBytes();
    } else {
      String encoded = ex.getRequestURI().getRawPath().substring("/ocsp/".length());
      request = Base64.getDecoder().decode(URLDecoder.decode(encoded, UTF_8));
    }
    byte[] response;
    synchronized (this) {
      Files.write(dir.resolve("request.der"), request);
      try {
        signOcspResponse("request.der", "response.der");
      } catch (Exception e) {
        ex.sendResponseHeaders(500, -1);
        ex.close();
        return;
      }
      response = Files.readAllBytes(dir.resolve("response.der"));
    }
    ex.getResponseHeaders().add("Content-Type", "application/ocsp-response");
    ex.sendResponseHeaders(200, response.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(response);
    }
  }

  public X509Certificate ca() {
    return ca;
  }

  public X509Certificate leaf(Leaf leaf) {
    return leaves.get(leaf.ordinal());
  }

  /** Requests the OCSP responder (not the 500 one) answered so far. */
  public int ocspRequests() {
    return ocspRequests.get();
  }

  public int crlRequests() {
    return crlRequests.get();
  }

  public String ocspUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/ocsp";
  }

  public String ocsp500Url() {
    return ocspUrl() + "-500";
  }

  public String hangingUrl() {
    return "http://127.0.0.1:" + hanging.getLocalPort() + "/ocsp";
  }

  public String crlUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/ca.crl";
  }

  /** A server context presenting {@code leaf} (chain: leaf, CA). */
  public SSLContext serverContext(Leaf leaf) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "changeit".toCharArray();
    ks.setKeyEntry("leaf", leafKey, pw, new X509Certificate[] {leaf(leaf), ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /**
   * A client context trusting the CA with PKIX revocation checking on (which sources are used
   * depends on the {@code ocsp.enable} and {@code com.sun.security.enableCRLDP} properties). A new
   * one per handshake, so no session is resumed and every handshake validates the chain.
   */
  public SSLContext revocationCheckingClient() throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca);
    PKIXBuilderParameters params = new PKIXBuilderParameters(ts, new X509CertSelector());
    params.setRevocationEnabled(true);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(new CertPathTrustManagerParameters(params));
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * One handshake over loopback: a server presenting {@code leaf}, a revocation-checking client
   * speaking {@code protocol}. Returns what the client's handshake threw, or null.
   */
  public Throwable handshake(Leaf leaf, String protocol) throws Exception {
    return handshake(serverContext(leaf), protocol);
  }

  public Throwable handshake(SSLContext server, String protocol) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (SSLServerSocket ss =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      Thread t =
          new Thread(
              () -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                  s.startHandshake();
                  s.getInputStream().read(); // until the client closes
                } catch (IOException expected) {
                  // a failed handshake: the client's side is what the test asserts
                }
              },
              "revocation-test-server");
      t.start();
      Throwable thrown = null;
      try (SSLSocket c =
          (SSLSocket)
              revocationCheckingClient()
                  .getSocketFactory()
                  .createSocket(loopback, ss.getLocalPort())) {
        c.setEnabledProtocols(new String[] {protocol});
        c.startHandshake();
      } catch (IOException e) {
        thrown = e;
      }
      t.join(TimeUnit.SECONDS.toMillis(20));
      return thrown;
    }
  }

  /**
   * Starts {@code openssl s_server} on 127.0.0.1:{@code port} presenting {@code leaf} and stapling
   * a fresh OCSP response for it ({@code -status_file}), made by {@code openssl ocsp} from the
   * index without the HTTP responder. Returns once it accepts connections.
   */
  public Process opensslStaplingServer(Leaf leaf, int port) throws Exception {
    openssl(
        "ocsp",
        "-issuer",
        "ca.pem",
        "-serial",
        "0x" + leaf.serialHex(),
        "-reqout",
        leaf.cn + ".ocsp-req.der");
    signOcspResponse(leaf.cn + ".ocsp-req.der", leaf.cn + ".ocsp-resp.der");
    Process p =
        new ProcessBuilder(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:" + port,
                "-cert",
                leaf.cn + ".pem",
                "-key",
                "leaf.key",
                "-cert_chain",
                "ca.pem",
                "-status_file",
                leaf.cn + ".ocsp-resp.der",
                "-quiet")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s_server.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
        return p;
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          break;
        }
        Thread.sleep(50);
      }
    }
    p.destroy();
    throw new IOException(
        "openssl s_server did not start: " + Files.readString(dir.resolve("s_server.log")));
  }

  /** A revocation-checking client's handshake with a server already listening on {@code port}. */
  public Throwable clientHandshake(int port, String protocol) throws Exception {
    try (SSLSocket c =
        (SSLSocket)
            revocationCheckingClient()
                .getSocketFactory()
                .createSocket(InetAddress.getByName("127.0.0.1"), port)) {
      c.setEnabledProtocols(new String[] {protocol});
      c.startHandshake();
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /**
   * Answers the OCSP request in {@code requestFile} from the CA's index, signed by the CA itself,
   * valid for a day, into {@code responseFile} (both in the PKI's folder).
   */
  private void signOcspResponse(String requestFile, String responseFile) throws Exception {
    openssl(
        "ocsp",
        "-index",
        "index.txt",
        "-CA",
        "ca.pem",
        "-rsigner",
        "ca.pem",
        "-rkey",
        "ca.key",
        "-reqin",
        requestFile,
        "-respout",
        responseFile,
        "-ndays",
        "1");
  }

  /** Runs {@code openssl args...} in the PKI's folder; fails with its output when it fails. */
  private void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, UTF_8));
    }
  }

  @Override
  public void close() throws IOException {
    http.stop(0);
    hanging.close();
  }
}
