package dev.handshakeagent.agent;

import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.JdkCheck;
import dev.handshakeagent.agent.jdk.JdkModel;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.agent.telemetry.HandshakeExporter;
import dev.handshakeagent.agent.telemetry.SharedSdk;
import java.lang.instrument.Instrumentation;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Installs the agent, at most once per JVM: options, module access, the bridge on the boot class
 * path and the check of the JDK model; then {@link AgentRuntime} starts the rest. With {@code
 * -javaagent} only the options are read at start-up, and the install waits for the first SunJSSE
 * class to load ({@link InstallGate}): a JVM without TLS traffic pays almost nothing. This class
 * must not use bridge types (see {@link AgentRuntime}).
 */
public final class AgentInstaller {

  /**
   * System property the agent sets in the JVM it runs in: {@code attached <version>} or {@code
   * detached}. The {@code attach}/{@code detach}/{@code list} commands read it from the target.
   */
  public static final String STATUS_PROPERTY = "handshake.agent.status";

  /** Agent argument that removes the instrumentation instead of installing it. */
  public static final String DETACH = "detach";

  private static AgentRuntime installed;

  /** The gate waiting for the first SunJSSE class (premain), until it installs. */
  private static InstallGate armed;

  /** Extension mode: the host agent's SDK the armed install uses; null standalone. */
  private static SharedSdk armedShared;

  /** Ends {@link #STATUS_PROPERTY} in extension mode. */
  static final String EXTENSION_STATUS = " extension";

  private AgentInstaller() {}

  /**
   * {@code -javaagent}: reads the options (a bad one is reported now) and leaves the install to the
   * first SunJSSE class that loads. Never throws.
   */
  public static synchronized void arm(String agentArgs, Instrumentation inst) {
    if (installed != null || armed != null) {
      AgentLog.info("already installed in this JVM; the new options are ignored");
      return;
    }
    if (runsAsExtension()) {
      AgentLog.warn(
          "already running in this JVM as an extension of the OpenTelemetry Java agent"
              + " (otel.javaagent.extensions): this -javaagent is not used; give only one of the"
              + " two");
      return;
    }
    try {
      AgentOptions options = AgentOptions.fromEnvironment(agentArgs, AgentLog::warn);
      if (!options.enabled) {
        AgentLog.info("disabled by option " + AgentOptions.ENABLED + "=false");
        return;
      }
      armed = InstallGate.armed(inst, options);
      System.setProperty(STATUS_PROPERTY, "attached " + version());
    } catch (Throwable t) {
      AgentLog.warn("not installed, the application runs without it: " + t);
    }
  }

  /** The install {@link #arm} left for later, on the thread loading the first SunJSSE class. */
  static synchronized void installArmed(AgentOptions options, InstallGate gate) {
    if (armed != gate) {
      return; // detached before any TLS was used
    }
    armed = null;
    try {
      installed = doInstall(options, gate.inst, null, armedShared, JdkModel.standard(), gate);
    } catch (Throwable t) {
      AgentLog.warn("not installed, the application runs without it: " + t);
    }
    if (installed == null) {
      gate.close();
      System.clearProperty(STATUS_PROPERTY);
    }
  }

  /**
   * Installs the agent with the SDK configured from the environment. Never throws: a failure is
   * reported in one line and the application runs on without the agent.
   */
  public static synchronized AgentRuntime install(String agentArgs, Instrumentation inst) {
    return install(agentArgs, inst, null);
  }

  /**
   * As {@link #install(String, Instrumentation)}, with the telemetry supplied by the caller (tests
   * pass an SDK with an in-memory exporter); {@code null} uses the SDK's autoconfiguration.
   */
  public static synchronized AgentRuntime install(
      String agentArgs, Instrumentation inst, Supplier<HandshakeExporter.Telemetry> telemetry) {
    return install(agentArgs, inst, telemetry, JdkModel.standard());
  }

  /**
   * As {@link #install(String, Instrumentation, Supplier)}, checking {@code model} instead of the
   * standard JDK model: tests pass a mutated one to play a JDK that changed.
   */
  public static synchronized AgentRuntime install(
      String agentArgs,
      Instrumentation inst,
      Supplier<HandshakeExporter.Telemetry> telemetry,
      JdkModel model) {
    if (installed != null || armed != null) {
      AgentLog.info("already installed in this JVM; the new options are ignored");
      return installed;
    }
    try {
      AgentOptions options = AgentOptions.fromEnvironment(agentArgs, AgentLog::warn);
      if (!options.enabled) {
        AgentLog.info("disabled by option " + AgentOptions.ENABLED + "=false");
        return null;
      }
      installed = doInstall(options, inst, telemetry, null, model, InstallGate.immediate(inst));
      if (installed != null) {
        System.setProperty(STATUS_PROPERTY, "attached " + version());
      }
    } catch (Throwable t) {
      AgentLog.warn("not installed, the application runs without it: " + t);
    }
    return installed;
  }

  /**
   * Extension mode (the OpenTelemetry Java agent's {@code otel.javaagent.extensions}): spans and
   * metrics go to {@code shared}, the host agent's SDK. Installs now when {@code now} (SunJSSE is
   * already in use), else when the first SunJSSE class loads, as with {@code -javaagent}. If this
   * agent's own jar runs as {@code -javaagent} too, one line says so and nothing more is done: the
   * hooks are installed once. Never throws.
   */
  public static synchronized void startShared(
      AgentOptions options, Instrumentation inst, SharedSdk shared, boolean now) {
    String status = System.getProperty(STATUS_PROPERTY, "");
    if (installed != null || armed != null || status.startsWith("attached")) {
      AgentLog.warn(
          "handshake-agent.jar runs in this JVM as -javaagent already: the extension given to the"
              + " OpenTelemetry Java agent is not used; give only one of the two (as an extension,"
              + " spans go through that agent's SDK)");
      return;
    }
    try {
      if (now) {
        installed =
            doInstall(
                options, inst, null, shared, JdkModel.standard(), InstallGate.immediate(inst));
      } else {
        armedShared = shared;
        armed = InstallGate.armed(inst, options);
      }
      if (installed != null || armed != null) {
        String version = shared.version != null ? shared.version : version();
        System.setProperty(STATUS_PROPERTY, "attached " + version + EXTENSION_STATUS);
      }
    } catch (Throwable t) {
      AgentLog.warn("not installed, the application runs without it: " + t);
    }
  }

  /** The extension's copy of this class (another class loader) installed the agent. */
  private static boolean runsAsExtension() {
    return System.getProperty(STATUS_PROPERTY, "").endsWith(EXTENSION_STATUS);
  }

  /**
   * Removes the instrumentation (the JDK classes get their original bytecode back), ends handshakes
   * in flight as abandoned, flushes pending spans and stops the agent's thread. Installing again
   * afterwards works. Never throws.
   */
  public static synchronized void detach(Instrumentation inst) {
    if (armed != null) {
      armed.close();
      armed = null;
      System.setProperty(STATUS_PROPERTY, "detached");
      AgentLog.info("detached before any TLS was used: nothing was instrumented");
      return;
    }
    if (installed == null) {
      AgentLog.info("not installed in this JVM; nothing to detach");
      return;
    }
    try {
      installed.stop();
      AgentLog.info("detached: instrumentation removed, pending spans flushed");
    } catch (Throwable t) {
      AgentLog.warn("detach did not complete cleanly: " + t);
    } finally {
      installed = null;
      System.setProperty(STATUS_PROPERTY, "detached");
    }
  }

  /** The agent's version, from the jar manifest ({@code dev} when run from classes). */
  public static String version() {
    String v = AgentInstaller.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static AgentRuntime doInstall(
      AgentOptions options,
      Instrumentation inst,
      Supplier<HandshakeExporter.Telemetry> telemetry,
      SharedSdk shared,
      JdkModel model,
      InstallGate gate)
      throws Exception {
    // Byte Buddy without sun.misc.Unsafe (JDK 25 warns otherwise); the name is relocated by shade.
    System.setProperty("net.bytebuddy.safe", "true");
    JdkCheck check = JdkCheck.run(model);
    String mismatch = check.warning(System.getProperty("java.version"));
    if (mismatch != null) {
      AgentLog.warn(mismatch);
    }
    Set<Feature> features = EnumSet.noneOf(Feature.class);
    features.addAll(check.enabled);
    if (!options.phases) {
      features.remove(Feature.PHASES);
      features.remove(Feature.TRUST);
    }
    if (!features.contains(Feature.CORE)) {
      return null;
    }
    openJsse(inst);
    BootstrapBridge.inject(inst, features.contains(Feature.BOOT_DEFINE));

    // From here on bridge types are used: AgentRuntime is loaded only now, after the bridge is
    // on the boot class path (verifying this class must not load any bridge type).
    return AgentRuntime.start(options, features, inst, telemetry, shared, gate);
  }

  /** Lets the agent read SunJSSE's fields; users need no {@code --add-opens}. */
  private static void openJsse(Instrumentation inst) {
    Module base = Object.class.getModule();
    Module agent = AgentInstaller.class.getModule();
    inst.redefineModule(
        base, Set.of(), Map.of(), Map.of(SunJsse.PACKAGE, Set.of(agent)), Set.of(), Map.of());
  }
}
