package dev.handshakeagent.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** The handshake kinds the benchmarks measure: certificate, version, key exchange, client auth. */
public enum Workload {
  /** TLS 1.3, ECDHE (x25519), server certificate EC P-256. */
  TLS13_EC(BenchPki.Identity.SERVER_EC, "TLSv1.3", null, false),
  /** TLS 1.3, ECDHE (x25519), server certificate RSA 2048. */
  TLS13_RSA(BenchPki.Identity.SERVER_RSA, "TLSv1.3", null, false),
  /** TLS 1.2, ECDHE_RSA with AES-128-GCM, server certificate RSA 2048. */
  TLS12_ECDHE_RSA(
      BenchPki.Identity.SERVER_RSA, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false),
  /** TLS 1.3 with a client certificate (EC P-256 both sides). */
  MTLS13(BenchPki.Identity.SERVER_EC, "TLSv1.3", null, true);

  final BenchPki.Identity server;
  final String protocol;
  final String cipher;
  final boolean mutual;

  Workload(BenchPki.Identity server, String protocol, String cipher, boolean mutual) {
    this.server = server;
    this.protocol = protocol;
    this.cipher = cipher;
    this.mutual = mutual;
  }

  /** The client's and the server's contexts for this workload. */
  public Contexts contexts() throws Exception {
    if (Boolean.getBoolean("bench.discardStderr")) {
      // The javax.net.debug variant: its output is formatted as usual, then thrown away.
      System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    }
    BenchPki pki = BenchPki.in(BenchPki.defaultDir());
    return new Contexts(
        this, pki.context(mutual ? BenchPki.Identity.CLIENT : null), pki.context(server));
  }

  /** The two contexts of a workload; makes engine pairs configured for it. */
  public static final class Contexts {
    public final Workload workload;
    public final SSLContext client;
    public final SSLContext server;

    Contexts(Workload workload, SSLContext client, SSLContext server) {
      this.workload = workload;
      this.client = client;
      this.server = server;
    }

    /** A configured pair; with a host the client can resume a session to that host and port. */
    public EnginePair pair(String host, int port, EnginePair reuse) {
      EnginePair p = EnginePair.of(client, server, host, port, reuse);
      configure(p.client, false);
      configure(p.server, true);
      return p;
    }

    /** Applies the workload's version, cipher suite and client authentication to one side. */
    public void configure(SSLEngine engine, boolean serverSide) {
      engine.setSSLParameters(parameters(engine.getSSLParameters(), serverSide));
    }

    /** The same, for an SSLSocket or SSLServerSocket's parameters. */
    public SSLParameters parameters(SSLParameters p, boolean serverSide) {
      p.setProtocols(new String[] {workload.protocol});
      if (workload.cipher != null) {
        p.setCipherSuites(new String[] {workload.cipher});
      }
      if (serverSide && workload.mutual) {
        p.setNeedClientAuth(true);
      }
      return p;
    }
  }
}
