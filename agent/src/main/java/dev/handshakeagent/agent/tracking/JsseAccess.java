package dev.handshakeagent.agent.tracking;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.JdkRow;
import dev.handshakeagent.agent.jdk.SunJsse;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of SunJSSE objects that the hooks pass as {@code Object}. Field reads only: no
 * public {@code SSLSocket} method is ever called (some start handshakes or take the socket lock).
 *
 * <p>Every member is a row of the JDK model ({@link SunJsse}). A member whose features are not all
 * enabled (the start-up check found a row of one of them missing) is null, and the reads below
 * return null or false for it, so that fact is simply not recorded. Needs {@code java.base}'s
 * SunJSSE package opened to the agent, which the agent does at start.
 */
public final class JsseAccess {

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

  private final Set<Feature> enabled;

  /**
   * Resolves every member whose features are in {@code enabled}.
   *
   * @throws ReflectiveOperationException naming the first {@link Feature#CORE} member this JDK does
   *     not have (another feature's member that fails to resolve is left null)
   */
  public JsseAccess(Set<Feature> enabled) throws ReflectiveOperationException {
    this.enabled = enabled;
    hcConContext = field(SunJsse.HC_CON_CONTEXT);
    hcSslConfig = field(SunJsse.HC_SSL_CONFIG);
    hcSslContext = field(SunJsse.HC_SSL_CONTEXT);
    hcHandshakeOutput = field(SunJsse.HC_HANDSHAKE_OUTPUT);
    hcHandshakeSession = field(SunJsse.HC_HANDSHAKE_SESSION);
    hcNegotiatedProtocol = field(SunJsse.HC_NEGOTIATED_PROTOCOL);
    hcNegotiatedCipherSuite = field(SunJsse.HC_NEGOTIATED_CIPHER_SUITE);
    hcServerSelectedNamedGroup = field(SunJsse.HC_SERVER_SELECTED_NAMED_GROUP);
    hcHandshakePossessions = field(SunJsse.HC_HANDSHAKE_POSSESSIONS);
    hcHandshakeCredentials = field(SunJsse.HC_HANDSHAKE_CREDENTIALS);
    hcIsResumption = field(SunJsse.HC_IS_RESUMPTION);
    hcRequestedServerNames = field(SunJsse.HC_REQUESTED_SERVER_NAMES);
    hcApplicationProtocol = field(SunJsse.HC_APPLICATION_PROTOCOL);
    hcActiveProtocols = field(SunJsse.HC_ACTIVE_PROTOCOLS);
    hcActiveCipherSuites = field(SunJsse.HC_ACTIVE_CIPHER_SUITES);
    hcCertRequestContext = field(SunJsse.HC_CERT_REQUEST_CONTEXT);
    contextTrustManager = method(SunJsse.CONTEXT_TRUST_MANAGER);
    cipherSuiteNameOf = method(SunJsse.CIPHER_SUITE_NAME_OF);
    namedGroupNameOf = method(SunJsse.NAMED_GROUP_NAME_OF);
    signatureSchemeNameOf = method(SunJsse.SIGNATURE_SCHEME_NAME_OF);
    protocolNameOf = method(SunJsse.PROTOCOL_NAME_OF);
    tcTransport = field(SunJsse.TC_TRANSPORT);
    tcHandshakeContext = field(SunJsse.TC_HANDSHAKE_CONTEXT);
    tcConSession = field(SunJsse.TC_CON_SESSION);
    tcSslConfig = field(SunJsse.TC_SSL_CONFIG);
    tcIsNegotiated = field(SunJsse.TC_IS_NEGOTIATED);
    tcCloseReason = field(SunJsse.TC_CLOSE_REASON);
    tcApplicationProtocol = field(SunJsse.TC_APPLICATION_PROTOCOL);
    cfgIsClientMode = field(SunJsse.CFG_IS_CLIENT_MODE);
    cfgClientAuthType = field(SunJsse.CFG_CLIENT_AUTH_TYPE);
    msgHandshakeContext = field(SunJsse.MSG_HANDSHAKE_CONTEXT);
    msgHandshakeType = method(SunJsse.MSG_HANDSHAKE_TYPE);
    protocolName = field(SunJsse.PROTOCOL_NAME);
    cipherSuiteName = field(SunJsse.CIPHER_SUITE_NAME);
    namedGroupName = field(SunJsse.NAMED_GROUP_NAME);
    alertDescription = field(SunJsse.ALERT_DESCRIPTION);
    socketPeerHost = field(SunJsse.SOCKET_PEER_HOST);
    certificateEntryEncoded = field(SunJsse.CERTIFICATE_ENTRY_ENCODED);
    plaintextContentType = field(SunJsse.PLAINTEXT_CONTENT_TYPE);
    possessionType = type(SunJsse.POSSESSION_TYPE);
    credentialsType = type(SunJsse.CREDENTIALS_TYPE);
    possessionNamedGroup = method(SunJsse.POSSESSION_NAMED_GROUP);
    credentialsNamedGroup = method(SunJsse.CREDENTIALS_NAMED_GROUP);
  }

  /** Without loading or initialising anything beyond what SunJSSE itself has loaded. */
  private Class<?> type(JdkRow row) throws ReflectiveOperationException {
    if (!row.enabledIn(enabled)) {
      return null;
    }
    try {
      return Class.forName(row.className, false, null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return optional(row, e);
    }
  }

  private Field field(JdkRow row) throws ReflectiveOperationException {
    Class<?> owner = type(row);
    if (owner == null) {
      return null;
    }
    try {
      Field f = owner.getDeclaredField(row.name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return optional(row, e);
    }
  }

  private Method method(JdkRow row) throws ReflectiveOperationException {
    Class<?> owner = type(row);
    if (owner == null) {
      return null;
    }
    try {
      for (Method m : owner.getDeclaredMethods()) {
        if (m.getName().equals(row.name) && descriptor(m).equals(row.descriptor)) {
          m.setAccessible(true);
          return m;
        }
      }
      throw new NoSuchMethodException(row.toString());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return optional(row, e);
    }
  }

  /** A CORE member must resolve; any other is left null (that fact is not recorded). */
  private static <T> T optional(JdkRow row, Exception e) throws ReflectiveOperationException {
    if (row.features.contains(Feature.CORE)) {
      throw e instanceof ReflectiveOperationException
          ? (ReflectiveOperationException) e
          : new ReflectiveOperationException(row.toString(), e);
    }
    return null;
  }

  private static String descriptor(Method m) {
    StringBuilder b = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) {
      b.append(descriptor(p));
    }
    return b.append(')').append(descriptor(m.getReturnType())).toString();
  }

  private static String descriptor(Class<?> c) {
    if (c.isArray()) {
      return c.getName().replace('.', '/');
    }
    if (!c.isPrimitive()) {
      return "L" + c.getName().replace('.', '/') + ";";
    }
    return String.valueOf(
        "ZBCSIJFDV"
            .charAt(
                List.of(
                        boolean.class,
                        byte.class,
                        char.class,
                        short.class,
                        int.class,
                        long.class,
                        float.class,
                        double.class,
                        void.class)
                    .indexOf(c)));
  }

  static Object get(Field f, Object target) {
    if (f == null || target == null) {
      return null;
    }
    try {
      return f.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean getBoolean(Field f, Object target) {
    if (f == null || target == null) {
      return false;
    }
    try {
      return f.getBoolean(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A getter without arguments: no varargs array per call. */
  static Object invoke(Method m, Object target) {
    if (m == null) {
      return null;
    }
    try {
      return m.invoke(target, NO_ARGS);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Object[] NO_ARGS = new Object[0];

  static Object invoke(Method m, Object target, Object... args) {
    if (m == null) {
      return null;
    }
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
