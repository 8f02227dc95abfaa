package dev.handshakeagent.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * The agent's only registered class file transformer. With {@code -javaagent} it is all that {@code
 * premain} sets up: until the first SunJSSE class (or hooked class of another provider, {@link
 * #PROVIDER_CLASSES}) loads it only compares each loading class's name with {@link #TRIGGER} and
 * those providers' class names, so a JVM that makes no TLS connection loads no Byte Buddy, SDK or
 * JDK-model class. That first SunJSSE class installs the agent on the thread that loads it, inside
 * this callback and before the class is defined, so the first handshake is traced in full. Once
 * installed, the gate forwards the classes of the two hooked packages and the providers' hooked
 * classes to Byte Buddy's transformer (no other class costs more than the name check); detaching
 * removes the gate.
 *
 * <p>Installing inside a class load must not wait on anything another class load could hold: the
 * install reads JDK class files as bytes (the JDK model check), defines the bridge and builds the
 * transformer, loading only the agent's own and Byte Buddy's classes; it loads no SunJSSE class.
 * Other threads that load a SunJSSE class meanwhile wait until it is done, then are transformed.
 */
final class InstallGate implements ClassFileTransformer {

  /** The package (internal name) whose first class installs the agent: SunJSSE's. */
  static final String TRIGGER = "sun/security/ssl/";

  /** The other package with hooked classes: the JDK's PKIX implementation (revocation checks). */
  static final String CERTPATH = "sun/security/provider/certpath/";

  /**
   * Internal names of the other TLS providers' hooked classes, as {@code advice.Providers} lists
   * them (a test keeps the two equal): each of them also installs the agent (a Netty application
   * with OpenSSL may load no SunJSSE class first), and is forwarded to Byte Buddy, relocated copies
   * included. Here rather than read from the registry, so that a JVM without TLS loads none of the
   * agent's advice classes. A new provider adds its classes here too.
   */
  static final String[] PROVIDER_CLASSES = {
    // BCJSSE (advice/bcjsse)
    "org/bouncycastle/tls/TlsProtocol",
    "org/bouncycastle/tls/TlsClientProtocol",
    "org/bouncycastle/tls/TlsServerProtocol",
    "org/bouncycastle/tls/RecordStream",
    "org/bouncycastle/jsse/provider/ProvTlsClient",
    "org/bouncycastle/jsse/provider/ProvTlsServer",
    "org/bouncycastle/jsse/provider/ProvSSLEngine",
    "org/bouncycastle/jsse/provider/ProvSSLSocketDirect",
    "org/bouncycastle/jsse/provider/ProvSSLSocketWrap",
    // OpenSSL through netty-tcnative (advice/tcnative)
    "io/netty/handler/ssl/ReferenceCountedOpenSslEngine",
    "io/netty/handler/ssl/OpenSslKeyMaterialManager",
    "io/netty/handler/ssl/ReferenceCountedOpenSslClientContext$TrustManagerVerifyCallback",
    "io/netty/handler/ssl/ReferenceCountedOpenSslClientContext$ExtendedTrustManagerVerifyCallback",
    "io/netty/handler/ssl/ReferenceCountedOpenSslServerContext$TrustManagerVerifyCallback",
    "io/netty/handler/ssl/ReferenceCountedOpenSslServerContext$ExtendedTrustManagerVerifyCallback",
    // Conscrypt (advice/conscrypt)
    "org/conscrypt/ConscryptEngine",
    "org/conscrypt/NativeSsl",
    "org/conscrypt/ConscryptEngineSocket",
  };

  final Instrumentation inst;
  private final AgentOptions options;
  private boolean registered;

  /** An install waits for the first SunJSSE class (premain). */
  private volatile boolean pending;

  /** The thread installing: its own class loads pass unchanged (they are retransformed after). */
  private volatile Thread installing;

  /** Byte Buddy's transformer, once installed. */
  private volatile ClassFileTransformer delegate;

  private InstallGate(Instrumentation inst, AgentOptions options, boolean pending) {
    this.inst = inst;
    this.options = options;
    this.pending = pending;
  }

  /** A registered gate that installs the agent with {@code options} when SunJSSE first loads. */
  static InstallGate armed(Instrumentation inst, AgentOptions options) {
    InstallGate gate = new InstallGate(inst, options, true);
    gate.registered = true;
    inst.addTransformer(gate, true);
    return gate;
  }

  /** A gate for an install done now (attach, tests); registered by {@link #open}. */
  static InstallGate immediate(Instrumentation inst) {
    return new InstallGate(inst, null, false);
  }

  /** Starts forwarding to {@code transformer}; registers the gate if it is not yet. */
  void open(ClassFileTransformer transformer) {
    delegate = transformer;
    if (!registered) {
      registered = true;
      inst.addTransformer(this, true);
    }
  }

  /** Stops forwarding and unregisters; false if the gate was not registered. */
  boolean close() {
    pending = false;
    delegate = null;
    return inst.removeTransformer(this);
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer)
      throws IllegalClassFormatException {
    // Every hooked class is in one of the two packages or a provider class: Byte Buddy never
    // sees any other class.
    if (className == null) {
      return null;
    }
    boolean jsse = className.startsWith(TRIGGER);
    if (!jsse && !className.startsWith(CERTPATH) && !isProviderClass(className)) {
      return null;
    }
    ClassFileTransformer d = delegate;
    if (d == null) {
      if (!pending || className.startsWith(CERTPATH)) {
        return null;
      }
      d = install();
      if (d == null) {
        return null;
      }
    }
    return d.transform(
        module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
  }

  /**
   * Whether {@code className} is a hooked class of another provider, or a relocated copy of one
   * ({@code io/grpc/netty/shaded/io/netty/...}): its name ends with the provider's name after a
   * package separator.
   */
  boolean isProviderClass(String className) {
    return isProviderClass(className, PROVIDER_CLASSES);
  }

  static boolean isProviderClass(String className, String[] names) {
    for (String n : names) {
      if (className.endsWith(n)) {
        int before = className.length() - n.length() - 1;
        if (before < 0 || className.charAt(before) == '/') {
          return true;
        }
      }
    }
    return false;
  }

  /** Installs once; null while this thread is the one installing, or if the install failed. */
  private ClassFileTransformer install() {
    if (installing == Thread.currentThread()) {
      return null;
    }
    synchronized (AgentInstaller.class) {
      if (pending) {
        pending = false;
        installing = Thread.currentThread();
        try {
          AgentInstaller.installArmed(options, this);
        } finally {
          installing = null;
        }
      }
      return delegate;
    }
  }
}
