package dev.handshakeagent.demo;

import java.security.AlgorithmConstraints;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** How one side of a demo connection is set up: its context and the parameters it changes. */
final class TlsSide {
  /** The name every client connects to; the demo servers listen on the loopback address. */
  static final String HOST = "localhost";

  private final SSLContext context;
  private final boolean client;
  private String[] protocols;
  private String[] cipherSuites;
  private boolean needClientAuth;
  private AlgorithmConstraints constraints;

  private TlsSide(SSLContext context, boolean client) {
    this.context = context;
    this.client = client;
  }

  static TlsSide server(SSLContext context) {
    return new TlsSide(context, false);
  }

  static TlsSide client(SSLContext context) {
    return new TlsSide(context, true);
  }

  TlsSide protocols(String... names) {
    protocols = names;
    return this;
  }

  TlsSide cipherSuites(String... names) {
    cipherSuites = names;
    return this;
  }

  TlsSide needClientAuth() {
    needClientAuth = true;
    return this;
  }

  TlsSide constraints(AlgorithmConstraints algorithmConstraints) {
    constraints = algorithmConstraints;
    return this;
  }

  SSLContext context() {
    return context;
  }

  /** Applies this side's settings on top of the defaults in {@code p}. */
  SSLParameters apply(SSLParameters p) {
    if (protocols != null) {
      p.setProtocols(protocols);
    }
    if (cipherSuites != null) {
      p.setCipherSuites(cipherSuites);
    }
    if (needClientAuth) {
      p.setNeedClientAuth(true);
    }
    if (constraints != null) {
      p.setAlgorithmConstraints(constraints);
    }
    if (client) {
      // As an HTTPS client would: check the server's name. The JDK sends no SNI for a dot-less
      // name such as localhost, so set it explicitly (the server's spans then show the name).
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(List.of(new SNIHostName(HOST)));
    }
    return p;
  }
}
