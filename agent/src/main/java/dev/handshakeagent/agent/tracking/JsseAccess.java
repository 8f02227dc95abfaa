package dev.handshakeagent.agent.tracking;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reads the fields of SunJSSE objects that the hooks pass as {@code Object}. Field reads only: no
 * public {@code SSLSocket} method is ever called (some start handshakes or take the socket lock).
 *
 * <p>Needs {@code java.base/sun.security.ssl} opened to the agent, which the agent does at start.
 * Every field listed here exists with the same name and type on JDK 17.0.15 and 25.0.3.
 */
public final class JsseAccess {
  private static final String PKG = "sun.security.ssl.";

  // HandshakeContext
  final Field hcConContext;
  final Field hcSslConfig;
  final Field hcSslContext;
  final Field hcHandshakeOutput;
  final Field hcHandshakeSession;
  final Field hcNegotiatedProtocol;
  final Field hcNegotiatedCipherSuite;
  final Field hcServerSelectedNamedGroup;
  final Field hcHandshakePossessions;
  final Field hcHandshakeCredentials;
  final Field hcIsResumption;
  final Field hcRequestedServerNames;
  final Field hcApplicationProtocol;
  final Field hcActiveProtocols;
  final Field hcActiveCipherSuites;
  final Field hcCertRequestContext;
  final Method contextTrustManager;
  final Method cipherSuiteNameOf;
  final Method namedGroupNameOf;
  final Method signatureSchemeNameOf;
  final Method protocolNameOf;
  // TransportContext
  final Field tcTransport;
  final Field tcHandshakeContext;
  final Field tcConSession;
  final Field tcSslConfig;
  final Field tcIsNegotiated;
  final Field tcCloseReason;
  final Field tcApplicationProtocol;
  // SSLConfiguration
  final Field cfgIsClientMode;
  final Field cfgClientAuthType;
  // SSLHandshake$HandshakeMessage
  final Field msgHandshakeContext;
  final Method msgHandshakeType;
  // small value objects
  final Field protocolName;
  final Field cipherSuiteName;
  final Field namedGroupName;
  final Field alertDescription;
  final Field socketPeerHost;
  final Field certificateEntryEncoded;
  final Field plaintextContentType;
  final Method possessionNamedGroup;
  final Method credentialsNamedGroup;
  final Class<?> possessionType;
  final Class<?> credentialsType;

  /**
   * Resolves every field and method.
   *
   * @throws ReflectiveOperationException naming the first one this JDK does not have
   */
  public JsseAccess() throws ReflectiveOperationException {
    Class<?> hc = cls("HandshakeContext");
    hcConContext = field(hc, "conContext");
    hcSslConfig = field(hc, "sslConfig");
    hcSslContext = field(hc, "sslContext");
    hcHandshakeOutput = field(hc, "handshakeOutput");
    hcHandshakeSession = field(hc, "handshakeSession");
    hcNegotiatedProtocol = field(hc, "negotiatedProtocol");
    hcNegotiatedCipherSuite = field(hc, "negotiatedCipherSuite");
    hcServerSelectedNamedGroup = field(hc, "serverSelectedNamedGroup");
    hcHandshakePossessions = field(hc, "handshakePossessions");
    hcHandshakeCredentials = field(hc, "handshakeCredentials");
    hcIsResumption = field(hc, "isResumption");
    hcRequestedServerNames = field(hc, "requestedServerNames");
    hcApplicationProtocol = field(hc, "applicationProtocol");
    hcActiveProtocols = field(hc, "activeProtocols");
    hcActiveCipherSuites = field(hc, "activeCipherSuites");
    hcCertRequestContext = field(hc, "certRequestContext"); // set by a TLS 1.3 certificate_request
    contextTrustManager = method(cls("SSLContextImpl"), "getX509TrustManager");
    cipherSuiteNameOf = method(cls("CipherSuite"), "nameOf", int.class);
    namedGroupNameOf = method(cls("NamedGroup"), "nameOf", int.class);
    signatureSchemeNameOf = method(cls("SignatureScheme"), "nameOf", int.class);
    protocolNameOf = method(cls("ProtocolVersion"), "nameOf", int.class);
    Class<?> tc = cls("TransportContext");
    tcTransport = field(tc, "transport");
    tcHandshakeContext = field(tc, "handshakeContext");
    tcConSession = field(tc, "conSession");
    tcSslConfig = field(tc, "sslConfig");
    tcIsNegotiated = field(tc, "isNegotiated");
    tcCloseReason = field(tc, "closeReason");
    tcApplicationProtocol = field(tc, "applicationProtocol");
    Class<?> cfg = cls("SSLConfiguration");
    cfgIsClientMode = field(cfg, "isClientMode");
    cfgClientAuthType = field(cfg, "clientAuthType");
    Class<?> msg = cls("SSLHandshake$HandshakeMessage");
    msgHandshakeContext = field(msg, "handshakeContext");
    msgHandshakeType = method(msg, "handshakeType");
    protocolName = field(cls("ProtocolVersion"), "name");
    cipherSuiteName = field(cls("CipherSuite"), "name");
    namedGroupName = field(cls("NamedGroup"), "name");
    alertDescription = field(cls("Alert"), "description");
    socketPeerHost = field(cls("SSLSocketImpl"), "peerHost");
    certificateEntryEncoded = field(cls("CertificateMessage$CertificateEntry"), "encoded");
    plaintextContentType = field(cls("Plaintext"), "contentType");
    possessionType = cls("NamedGroupPossession");
    credentialsType = cls("NamedGroupCredentials");
    possessionNamedGroup = method(possessionType, "getNamedGroup");
    credentialsNamedGroup = method(credentialsType, "getNamedGroup");
  }

  private static Class<?> cls(String simpleName) throws ClassNotFoundException {
    return Class.forName(PKG + simpleName, false, null);
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field f = owner.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  private static Method method(Class<?> owner, String name, Class<?>... parameters)
      throws NoSuchMethodException {
    Method m = owner.getDeclaredMethod(name, parameters);
    m.setAccessible(true);
    return m;
  }

  static Object get(Field f, Object target) {
    if (target == null) {
      return null;
    }
    try {
      return f.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean getBoolean(Field f, Object target) {
    if (target == null) {
      return false;
    }
    try {
      return f.getBoolean(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code name} field of a ProtocolVersion, CipherSuite or NamedGroup, or null. */
  static String nameOf(Field nameField, Object value) {
    Object name = get(nameField, value);
    return name instanceof String ? (String) name : null;
  }
}
