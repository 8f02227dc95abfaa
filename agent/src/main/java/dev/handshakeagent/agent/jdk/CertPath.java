package dev.handshakeagent.agent.jdk;

import java.util.List;

/**
 * Rows of the {@link JdkModel} in {@code java.base}'s PKIX implementation ({@code
 * sun.security.provider.certpath}), which SunJSSE's trust manager calls: the revocation check of
 * each certificate and its network fetches. These classes know nothing of TLS; the tracker puts
 * their frames under the {@code validate certificate chain} frame open on the same thread.
 */
public final class CertPath {
  private CertPath() {}

  /** The JDK's PKIX provider ("SUN"), not a TLS provider. */
  public static final String PROVIDER = "SUN";

  public static final String PACKAGE = "sun.security.provider.certpath";

  public static final String REVOCATION_CHECKER = PACKAGE + ".RevocationChecker";
  public static final String OCSP = PACKAGE + ".OCSP";
  public static final String URI_CERT_STORE = PACKAGE + ".URICertStore";

  public static final JdkRow CHECK =
      row(
          JdkRow.Kind.METHOD,
          REVOCATION_CHECKER,
          "check",
          "(Ljava/security/cert/Certificate;Ljava/util/Collection;)V",
          "hook: PKIX revocation check of one certificate (OCSP, CRL or both)");
  public static final JdkRow OCSP_FETCH =
      row(
          JdkRow.Kind.METHOD,
          OCSP,
          "getOCSPBytes",
          "(Ljava/util/List;Ljava/net/URI;Ljava/util/List;)[B",
          "hook: one OCSP request over HTTP to the responder URI (non-200 throws)");
  public static final JdkRow CRL_FETCH =
      row(
          JdkRow.Kind.METHOD,
          URI_CERT_STORE,
          "engineGetCRLs",
          "(Ljava/security/cert/CRLSelector;)Ljava/util/Collection;",
          "hook: CRL from a distribution point URI (answered from a 30 s cache between fetches)");

  /** Read by the CRL hook's advice: the distribution point's URL. */
  public static final String URI_FIELD = "uri";

  /** Read by the CRL hook's advice: stamped only when the store goes to the network. */
  public static final String LAST_CHECKED_FIELD = "lastChecked";

  public static final JdkRow STORE_URI =
      row(JdkRow.Kind.FIELD, URI_CERT_STORE, URI_FIELD, "Ljava/net/URI;", "the URL of a CRL fetch");
  public static final JdkRow STORE_LAST_CHECKED =
      row(
          JdkRow.Kind.FIELD,
          URI_CERT_STORE,
          LAST_CHECKED_FIELD,
          "J",
          "tells a CRL fetch from a cache hit");

  static List<JdkRow> rows() {
    return List.of(CHECK, OCSP_FETCH, CRL_FETCH, STORE_URI, STORE_LAST_CHECKED);
  }

  private static JdkRow row(
      JdkRow.Kind kind, String className, String name, String descriptor, String purpose) {
    return JdkRow.of(
        kind, PROVIDER, className, name, descriptor, purpose, SunJsse.VERIFIED, Feature.REVOCATION);
  }
}
