package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.jdk.SunJsse;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

/**
 * Plain values of one ended handshake, read on the export thread from the references its {@link
 * HandshakeRecord} kept: the negotiated parameters, the certificates, the peer. Absent values are
 * null (or -1 for ports). Never contains key material: only names, flags and certificates.
 */
public final class HandshakeFacts {
  /** Protocol as the JDK names it ({@code TLSv1.3}), or null before server_hello. */
  public String protocol;

  /** IANA cipher suite name, or null when none was negotiated. */
  public String cipherSuite;

  /** Named group of the key exchange ({@code x25519}), when known. */
  public String namedGroup;

  public boolean resumed;
  public String applicationProtocol;

  /** The first SNI host name requested by the client, as the client sent it. */
  public String requestedServerName;

  /** Server side: {@code none}, {@code requested} or {@code required}. Null on the client. */
  public String serverClientAuth;

  public X509Certificate[] localChain;
  public X509Certificate[] peerChain;

  /** The alert's RFC name ({@code handshake_failure}), or null. */
  public String alertDescription;

  /** SSLEngine: the peer host and port the engine was created with. SSLSocket: the host given. */
  public String peerHost;

  public int peerPort = -1;
  public InetAddress socketPeerAddress;
  public int socketPeerPort = -1;
  public int socketLocalPort = -1;

  /** What the client offered: versions ({@code TLSv1.3}) and IANA cipher suite names. */
  public List<String> offeredVersions;

  public List<String> offeredCipherSuites;

  /** Server side only (read from the client_hello): named groups and signature schemes. */
  public List<String> offeredGroups;

  public List<String> offeredSignatureSchemes;

  /**
   * JA4 and JA3 of the first client_hello: server side the peer's, client side this JVM's own (null
   * when it was not captured or not complete).
   */
  public String ja4;

  public String ja3;

  /** Server side: the versions and cipher suites this server has enabled. */
  public List<String> enabledVersions;

  public List<String> enabledCipherSuites;

  /**
   * Server side: subjects of the CAs its trust manager accepts (client certificates), at most 5.
   */
  public List<String> acceptedIssuers;

  /** Client side: the server stapled an OCSP response (status_request) in this handshake. */
  public boolean ocspStapled;

  /** True once {@link #readDetail} filled the values only an exported root shows. */
  private boolean detailed;

  /**
   * The values every ended handshake needs, sampled or not: what names the root span and what the
   * metrics show (version, cipher suite, server name, peer, certificates, alert). The rest is read
   * by {@link #readDetail} only for a root that is exported.
   */
  static HandshakeFacts read(HandshakeRecord r, JsseAccess j) {
    HandshakeFacts f = new HandshakeFacts();
    Object hc = handshakeContext(r);
    if (hc != null) {
      f.protocol = JsseAccess.nameOf(j.protocolName, JsseAccess.get(j.hcNegotiatedProtocol, hc));
      f.cipherSuite =
          JsseAccess.nameOf(j.cipherSuiteName, JsseAccess.get(j.hcNegotiatedCipherSuite, hc));
      f.requestedServerName = firstHostName(JsseAccess.get(j.hcRequestedServerNames, hc));
    }
    Object session = r.endSession();
    if (session instanceof SSLSession) {
      SSLSession s = (SSLSession) session;
      f.localChain = x509(s.getLocalCertificates());
      try {
        f.peerChain = x509(s.getPeerCertificates());
      } catch (SSLPeerUnverifiedException | RuntimeException e) {
        f.peerChain = null;
      }
      if (f.protocol == null && s.getProtocol() != null && !"NONE".equals(s.getProtocol())) {
        f.protocol = s.getProtocol();
      }
    }
    if (f.peerChain == null) {
      f.peerChain = chainFrom(r.peerChain());
    }
    if (SunJsse.NULL_CIPHER_SUITE.name.equals(f.cipherSuite)) {
      f.cipherSuite = null;
    }
    Object alert = r.alert();
    if (alert != null) {
      Object d = JsseAccess.get(j.alertDescription, alert);
      f.alertDescription = d instanceof String ? (String) d : null;
    }
    if (r.engine) {
      f.peerHost = r.peerHost();
      f.peerPort = r.peerPort();
    } else {
      Object socket = r.transport.get();
      f.peerHost = socket == null ? null : (String) JsseAccess.get(j.socketPeerHost, socket);
      f.socketPeerAddress = r.socketPeerAddress();
      f.socketPeerPort = r.socketPeerPort();
      f.socketLocalPort = r.socketLocalPort();
      f.peerPort = f.socketPeerPort;
    }
    return f;
  }

  /**
   * Adds what only an exported root, the console and the diagnosis show: named group, resumption,
   * ALPN, client authentication, the offered and enabled lists, the fingerprints, the accepted
   * issuers, OCSP stapling. Idempotent; call before the record's end objects are released.
   */
  static void readDetail(HandshakeRecord r, JsseAccess j, HandshakeFacts f) {
    if (f.detailed) {
      return;
    }
    f.detailed = true;
    Object hc = handshakeContext(r);
    Object tc = r.endTransportContext();
    if (hc != null) {
      f.namedGroup = namedGroup(f.protocol, r.client, hc, j);
      f.resumed = JsseAccess.getBoolean(j.hcIsResumption, hc);
      f.applicationProtocol = emptyToNull(JsseAccess.get(j.hcApplicationProtocol, hc));
      if (!r.client) {
        f.serverClientAuth = clientAuth(JsseAccess.get(j.hcSslConfig, hc), j);
        f.enabledVersions = names(JsseAccess.get(j.hcActiveProtocols, hc), j.protocolName, j);
        f.enabledCipherSuites =
            names(JsseAccess.get(j.hcActiveCipherSuites, hc), j.cipherSuiteName, j);
        if (r.outcome() != HandshakeRecord.Outcome.SUCCEEDED) {
          // Only the diagnosis of a failure names them.
          f.acceptedIssuers = acceptedIssuers(JsseAccess.get(j.hcSslContext, hc), j);
        }
      } else {
        f.offeredVersions = names(JsseAccess.get(j.hcActiveProtocols, hc), j.protocolName, j);
        f.offeredCipherSuites =
            names(JsseAccess.get(j.hcActiveCipherSuites, hc), j.cipherSuiteName, j);
      }
    }
    if (f.applicationProtocol == null && tc != null) {
      f.applicationProtocol = emptyToNull(JsseAccess.get(j.tcApplicationProtocol, tc));
    }
    byte[] hello = r.clientHello();
    if (hello != null) {
      ClientHelloOffer offer = ClientHelloOffer.parse(hello);
      if (!r.client) {
        f.offeredCipherSuites = idNames(offer.cipherSuites, j.cipherSuiteNameOf);
        List<Integer> versions =
            offer.versions.isEmpty() ? List.of(offer.legacyVersion) : offer.versions;
        f.offeredVersions = idNames(versions, j.protocolNameOf);
        f.offeredGroups = idNames(offer.groups, j.namedGroupNameOf);
        f.offeredSignatureSchemes = idNames(offer.signatureSchemes, j.signatureSchemeNameOf);
      }
      String[] prints = fingerprints(offer);
      f.ja4 = prints[0];
      f.ja3 = prints[1];
    }
    Object session = r.endSession();
    if (session instanceof ExtendedSSLSession) {
      // The client's session keeps the OCSP responses the server stapled (status_request).
      f.ocspStapled = !((ExtendedSSLSession) session).getStatusResponses().isEmpty();
    }
  }

  private static Object handshakeContext(HandshakeRecord r) {
    Object hc = r.endHandshakeContext();
    if (hc == null && r.handshakeContext != null) {
      hc = r.handshakeContext.get();
    }
    return hc;
  }

  /**
   * The negotiated group only. The peer's key share (TLS 1.3) or ephemeral key (TLS 1.2) in the
   * handshake credentials is for the chosen group; a TLS 1.3 client's own possessions are not,
   * since it holds a key share for every group it offered.
   */
  private static String namedGroup(String protocol, boolean client, Object hc, JsseAccess j) {
    if (protocol == null) {
      return null;
    }
    String selected =
        JsseAccess.nameOf(j.namedGroupName, JsseAccess.get(j.hcServerSelectedNamedGroup, hc));
    if (selected != null) {
      return selected; // after a HelloRetryRequest
    }
    String g = groupIn(JsseAccess.get(j.hcHandshakeCredentials, hc), j.credentialsType, j);
    if (g != null || (client && protocol.equals("TLSv1.3"))) {
      return g;
    }
    return groupIn(JsseAccess.get(j.hcHandshakePossessions, hc), j.possessionType, j);
  }

  private static String groupIn(Object list, Class<?> type, JsseAccess j) {
    if (!(list instanceof List)) {
      return null;
    }
    for (Object o : ((List<?>) list).toArray()) {
      if (type.isInstance(o)) {
        Object group =
            JsseAccess.invoke(
                type == j.possessionType ? j.possessionNamedGroup : j.credentialsNamedGroup, o);
        String name = JsseAccess.nameOf(j.namedGroupName, group);
        if (name != null) {
          return name;
        }
      }
    }
    return null;
  }

  private static List<String> names(Object list, Field nameField, JsseAccess j) {
    if (!(list instanceof List)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object o : ((List<?>) list).toArray()) {
      String n = JsseAccess.nameOf(nameField, o);
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Names of recent offers: clients send the same lists again and again, so each distinct list is
   * named once (a reflective lookup per id). At most 64 entries; export thread only, synchronized
   * for safety.
   */
  private static final Map<List<Object>, List<String>> OFFER_NAMES =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, List<String>> e) {
          return size() > 64;
        }
      };

  /**
   * JA4 and JA3 of recent offers: the digests and strings are made once per distinct offer (one
   * client stack sends the same one every time). At most 64 entries; export thread only,
   * synchronized for safety.
   */
  private static final Map<ClientHelloOffer, String[]> FINGERPRINTS =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ClientHelloOffer, String[]> e) {
          return size() > 64;
        }
      };

  private static String[] fingerprints(ClientHelloOffer offer) {
    synchronized (FINGERPRINTS) {
      String[] known = FINGERPRINTS.get(offer);
      if (known != null) {
        return known;
      }
    }
    String[] prints = {ClientHelloFingerprint.ja4(offer), ClientHelloFingerprint.ja3(offer)};
    synchronized (FINGERPRINTS) {
      FINGERPRINTS.put(offer, prints);
    }
    return prints;
  }

  /** Wire ids to the JDK's names: GREASE ids are left out, unknown ids keep a hex form. */
  private static List<String> idNames(List<Integer> ids, Method nameOf) {
    if (nameOf == null) {
      return null; // OFFERED is off on this JDK
    }
    List<Object> key = List.of(nameOf, List.copyOf(ids));
    synchronized (OFFER_NAMES) {
      List<String> known = OFFER_NAMES.get(key);
      if (known != null) {
        return known;
      }
    }
    List<String> named = List.copyOf(lookUpNames(ids, nameOf));
    synchronized (OFFER_NAMES) {
      OFFER_NAMES.put(key, named);
    }
    return named;
  }

  private static List<String> lookUpNames(List<Integer> ids, Method nameOf) {
    List<String> out = new ArrayList<>();
    for (int id : ids) {
      if ((id & 0x0F0F) == 0x0A0A) {
        continue; // GREASE (RFC 8701): not a real offer
      }
      Object n = JsseAccess.invoke(nameOf, null, id);
      String name = n instanceof String ? (String) n : null;
      out.add(
          name == null
                  || name.isEmpty()
                  || name.startsWith(SunJsse.UNDEFINED_ID_PREFIX)
                  || name.startsWith(SunJsse.UNKNOWN_ID_PREFIX)
              ? String.format("0x%04X", id)
              : name);
    }
    return out;
  }

  private static List<String> acceptedIssuers(Object sslContextImpl, JsseAccess j) {
    if (sslContextImpl == null) {
      return null;
    }
    Object tm = JsseAccess.invoke(j.contextTrustManager, sslContextImpl);
    if (!(tm instanceof X509TrustManager)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (X509Certificate c : ((X509TrustManager) tm).getAcceptedIssuers()) {
      if (out.size() == 5) {
        break;
      }
      out.add(c.getSubjectX500Principal().getName());
    }
    return out;
  }

  private static String clientAuth(Object sslConfig, JsseAccess j) {
    Object type = JsseAccess.get(j.cfgClientAuthType, sslConfig);
    if (!(type instanceof Enum)) {
      return null;
    }
    switch (((Enum<?>) type).name()) {
      case SunJsse.CLIENT_AUTH_REQUIRED:
        return "required";
      case SunJsse.CLIENT_AUTH_REQUESTED:
        return "requested";
      default:
        return "none";
    }
  }

  private static String firstHostName(Object names) {
    if (!(names instanceof List)) {
      return null;
    }
    for (Object n : ((List<?>) names).toArray()) {
      if (n instanceof SNIHostName) {
        return ((SNIHostName) n).getAsciiName();
      }
      if (n instanceof SNIServerName && ((SNIServerName) n).getType() == 0) {
        return new SNIHostName(((SNIServerName) n).getEncoded()).getAsciiName();
      }
    }
    return null;
  }

  /** The chain seen by the trust check: certificates, or a rejected TLS 1.3 chain still encoded. */
  private static X509Certificate[] chainFrom(Object seen) {
    if (seen instanceof X509Certificate[]) {
      return ((X509Certificate[]) seen).length == 0 ? null : (X509Certificate[]) seen;
    }
    if (!(seen instanceof byte[][]) || ((byte[][]) seen).length == 0) {
      return null;
    }
    byte[][] encoded = (byte[][]) seen;
    X509Certificate[] out = new X509Certificate[encoded.length];
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < out.length; i++) {
        out[i] = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(encoded[i]));
      }
      return out;
    } catch (CertificateException | RuntimeException e) {
      return null; // raw public keys or a malformed chain: nothing to report
    }
  }

  private static X509Certificate[] x509(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
      return null;
    }
    X509Certificate[] out = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      if (!(chain[i] instanceof X509Certificate)) {
        return null;
      }
      out[i] = (X509Certificate) chain[i];
    }
    return out;
  }

  private static String emptyToNull(Object s) {
    return s instanceof String && !((String) s).isEmpty() ? (String) s : null;
  }
}
