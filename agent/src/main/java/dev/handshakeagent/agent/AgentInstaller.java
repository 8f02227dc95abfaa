package dev.handshakeagent.agent;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.handshakeagent.agent.advice.Hook;
import dev.handshakeagent.agent.advice.HookCheck;
import dev.handshakeagent.agent.advice.HookTable;
import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.telemetry.HandshakeExporter;
import dev.handshakeagent.agent.telemetry.TelemetrySdk;
import dev.handshakeagent.agent.tracking.HandshakeTracker;
import dev.handshakeagent.bridge.HandshakeBridge;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.lang.instrument.Instrumentation;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the agent: options, module access, the bridge on the boot class path, the startup check
 * of the hook table, the tracker and exporter, and the one Byte Buddy {@link AgentBuilder} with every
 * choice made explicit. Installs at most once per JVM.
 */
public final class AgentInstaller {

  /** A running agent. */
  public static final class Installed {
    public final AgentOptions options;
    public final HandshakeTracker tracker;
    public final HandshakeExporter exporter;
    public final Set<Hook.Feature> features;
    final ResettableClassFileTransformer transformer;

    Installed(
        AgentOptions options,
        HandshakeTracker tracker,
        HandshakeExporter exporter,
        Set<Hook.Feature> features,
        ResettableClassFileTransformer transformer) {
      this.options = options;
      this.tracker = tracker;
      this.exporter = exporter;
      this.features = features;
      this.transformer = transformer;
    }
  }

  private static Installed installed;

  private AgentInstaller() {}

  /**
   * Installs the agent with the SDK configured from the environment. Never throws: a failure is
   * reported in one line and the application runs on without the agent.
   */
  public static synchronized Installed install(String agentArgs, Instrumentation inst) {
    return install(agentArgs, inst, null);
  }

  /**
   * As {@link #install(String, Instrumentation)}, with the telemetry supplied by the caller (tests
   * pass an SDK with an in-memory exporter); {@code null} uses the SDK's autoconfiguration.
   */
  public static synchronized Installed install(
      String agentArgs, Instrumentation inst, Supplier<HandshakeExporter.Telemetry> telemetry) {
    if (installed != null) {
      AgentLog.info("already installed in this JVM; the new options are ignored");
      return installed;
    }
    try {
      installed = doInstall(agentArgs, inst, telemetry);
    } catch (Throwable t) {
      AgentLog.warn("not installed, the application runs without it: " + t);
    }
    return installed;
  }

  private static Installed doInstall(
      String agentArgs, Instrumentation inst, Supplier<HandshakeExporter.Telemetry> telemetry)
      throws Exception {
    AgentOptions options = AgentOptions.fromEnvironment(agentArgs, AgentLog::warn);
    if (!options.enabled) {
      AgentLog.info("disabled by option " + AgentOptions.ENABLED + "=false");
      return null;
    }
    // Byte Buddy without sun.misc.Unsafe (JDK 25 warns otherwise); the name is relocated by shade.
    System.setProperty("net.bytebuddy.safe", "true");
    openJsse(inst);
    BootstrapBridge.inject(inst);

    HookCheck check = HookCheck.run();
    Set<Hook.Feature> features = EnumSet.noneOf(Hook.Feature.class);
    features.addAll(check.enabled);
    if (!options.phases) {
      features.remove(Hook.Feature.PHASES);
      features.remove(Hook.Feature.TRUST);
    }
    if (!check.mismatched.isEmpty()) {
      AgentLog.warn(
          "this JDK (" + System.getProperty("java.version") + ") does not match the hook table;"
              + " switched off: "
              + (features.contains(Hook.Feature.CORE) ? EnumSet.complementOf(EnumSet.copyOf(check.enabled)) : "everything")
              + "; missing: "
              + check.mismatched.stream().map(Hook::toString).collect(Collectors.joining(", ")));
    }
    if (!features.contains(Hook.Feature.CORE)) {
      return null;
    }

    Supplier<HandshakeExporter.Telemetry> telemetryFactory =
        telemetry != null ? telemetry : () -> sdkTelemetry(options.otelProperties);
    HandshakeExporter exporter =
        new HandshakeExporter(telemetryFactory, features.contains(Hook.Feature.PHASES), AgentLog::warn);
    HandshakeTracker tracker =
        new HandshakeTracker(
            exporter,
            options.abandonTimeoutMillis,
            e ->
                AgentLog.warn(
                    "this JDK lacks a SunJSSE field the agent reads (" + e.getMessage()
                        + "); handshakes are not traced"),
            AgentLog::suppressed);
    if (telemetry == null) {
      tracker.ignorePeers(TelemetrySdk.exporterPeers(options.otelProperties));
    }
    exporter.start(tracker);
    HandshakeBridge.install(tracker);

    ResettableClassFileTransformer transformer = agentBuilder(features).installOn(inst);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> exporter.shutdown(5, TimeUnit.SECONDS), "handshake-agent-shutdown"));
    return new Installed(options, tracker, exporter, features, transformer);
  }

  /** The one AgentBuilder: every default that is wrong for JDK classes is overridden here. */
  static AgentBuilder agentBuilder(Set<Hook.Feature> features) {
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            // Advice only changes method bodies, so already-loaded JDK classes can be
            // retransformed (dynamic attach, or a JMX-over-TLS agent that ran first).
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new ErrorListener())
            // The default ignore rule excludes every boot-loader class, i.e. all of SunJSSE.
            .ignore(not(nameStartsWith("sun.security.ssl.")));
    for (JdkInstrumentation i : HookTable.instrumentations(features)) {
      builder =
          builder
              .type(i.types())
              .transform(
                  (DynamicType.Builder<?> b,
                      TypeDescription type,
                      ClassLoader loader,
                      JavaModule module,
                      java.security.ProtectionDomain pd) -> i.apply(b, type));
    }
    return builder;
  }

  /** Lets the agent read {@code sun.security.ssl} fields; users need no {@code --add-opens}. */
  private static void openJsse(Instrumentation inst) {
    Module base = Object.class.getModule();
    Module agent = AgentInstaller.class.getModule();
    inst.redefineModule(
        base,
        Set.of(),
        Map.of(),
        Map.of("sun.security.ssl", Set.of(agent)),
        Set.of(),
        Map.of());
  }

  private static HandshakeExporter.Telemetry sdkTelemetry(Map<String, String> otel) {
    try {
      OpenTelemetrySdk sdk = TelemetrySdk.create(otel);
      return new HandshakeExporter.Telemetry() {
        @Override
        public TracerProvider tracerProvider() {
          return sdk.getTracerProvider();
        }

        @Override
        public CompletableResultCode flush() {
          return sdk.getSdkTracerProvider().forceFlush();
        }

        @Override
        public CompletableResultCode shutdown() {
          return sdk.shutdown();
        }
      };
    } catch (RuntimeException e) {
      AgentLog.warn(
          "OpenTelemetry SDK configuration failed, no spans are exported: " + e.getMessage());
      return new HandshakeExporter.Telemetry() {
        @Override
        public TracerProvider tracerProvider() {
          return TracerProvider.noop();
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofSuccess();
        }
      };
    }
  }

  /** Byte Buddy swallows transformation errors unless told; one warning line per type. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      AgentLog.warn("could not instrument " + typeName + ": " + throwable);
    }
  }
}
