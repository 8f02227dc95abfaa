package dev.handshakeagent.agent;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.handshakeagent.agent.advice.HookTable;
import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderCheck;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.advice.Providers;
import dev.handshakeagent.agent.jdk.CertPath;
import dev.handshakeagent.agent.jdk.Feature;
import dev.handshakeagent.agent.jdk.ProviderRow;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.agent.telemetry.ApplicationSpan;
import dev.handshakeagent.agent.telemetry.DirectSpans;
import dev.handshakeagent.agent.telemetry.ExportReport;
import dev.handshakeagent.agent.telemetry.HandshakeExporter;
import dev.handshakeagent.agent.telemetry.TelemetrySdk;
import dev.handshakeagent.agent.tracking.HandshakeTracker;
import dev.handshakeagent.bridge.HandshakeBridge;
import dev.handshakeagent.bridge.ProviderBridge;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The running agent: tracker, exporter and the installed transformer. Created by {@link
 * AgentInstaller} only after the bridge is on the boot class path: this class uses bridge types,
 * and loading it earlier would load a second copy of them through the application class loader.
 */
public final class AgentRuntime {
  public final AgentOptions options;
  public final HandshakeTracker tracker;
  public final HandshakeExporter exporter;
  public final Set<Feature> features;

  /**
   * The registered transformer, forwarding to Byte Buddy's. It holds the instrumentation it was
   * registered with: a later dynamic load (the detach command) gets a different instance, which
   * cannot remove this one's transformer.
   */
  private final InstallGate gate;

  /** Names of the classes transformed, to give them their original bytecode back on detach. */
  private final Set<String> transformed;

  private final Thread shutdownHook;

  private AgentRuntime(
      AgentOptions options,
      HandshakeTracker tracker,
      HandshakeExporter exporter,
      Set<Feature> features,
      InstallGate gate,
      Set<String> transformed,
      Thread shutdownHook) {
    this.options = options;
    this.tracker = tracker;
    this.exporter = exporter;
    this.features = features;
    this.gate = gate;
    this.transformed = transformed;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Detach: hooks go quiet at once, the original bytecode is restored, handshakes in flight end as
   * abandoned, pending spans are flushed and the SDK shut down.
   */
  void stop() {
    HandshakeBridge.install(null);
    ProviderBridge.install(null);
    // Without the gate registered, retransforming gives each class its original bytecode.
    if (!gate.close()
        || !retransform(gate.inst, c -> transformed.contains(c.getName()), "restore")) {
      AgentLog.warn("could not remove the instrumentation; the hooks stay in place, inactive");
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway
    }
    exporter.shutdown(5, TimeUnit.SECONDS, "agent detached before the handshake finished");
  }

  /** Errors swallowed by the hooks since the JVM started; 0 in a healthy run. */
  public long suppressedErrors() {
    return HandshakeBridge.suppressedErrors() + ProviderBridge.suppressedErrors();
  }

  static AgentRuntime start(
      AgentOptions options,
      Set<Feature> features,
      Instrumentation inst,
      Supplier<HandshakeExporter.Telemetry> telemetry,
      InstallGate gate) {
    Supplier<HandshakeExporter.Telemetry> telemetryFactory =
        telemetry != null ? telemetry : () -> sdkTelemetry(options.otelProperties);
    HandshakeExporter exporter =
        new HandshakeExporter(
            telemetryFactory,
            features.contains(Feature.PHASES),
            options.slowThresholdMillis,
            options.offered,
            options.console,
            AgentLog::warn);
    HandshakeTracker tracker =
        new HandshakeTracker(
            exporter,
            options.abandonTimeoutMillis,
            e ->
                AgentLog.warn(
                    "this JDK lacks a SunJSSE field the agent reads ("
                        + e.getMessage()
                        + "); handshakes are not traced"),
            AgentLog::suppressed,
            new ApplicationSpan(),
            features);
    tracker.captureOffers(options.offered);
    tracker.rejectionWait(options.rejectionWaitMillis);
    if (telemetry == null) {
      tracker.ignorePeers(TelemetrySdk.exporterPeers(options.otelProperties));
    }
    exporter.start(tracker);
    if (HandshakeBridge.class.getClassLoader() != null) {
      throw new IllegalStateException(
          "the bridge was loaded by "
              + HandshakeBridge.class.getClassLoader()
              + " instead of the boot class path; advice could not reach the agent");
    }
    HandshakeBridge.install(tracker);
    ProviderBridge.install(tracker.providers());

    Set<String> transformed = ConcurrentHashMap.newKeySet();
    ElementMatcher.Junction<TypeDescription> types = none();
    for (JdkInstrumentation i : HookTable.instrumentations(features)) {
      types = types.or(i.types());
    }
    for (ProviderHooks p : Providers.all()) {
      for (JdkInstrumentation i : p.instrumentations()) {
        types = types.or(i.types());
      }
    }
    gate.open(agentBuilder(features, transformed, tracker.providers()::disable).makeRaw());
    // JSSE and provider classes loaded before (attach; certpath classes used without TLS; none
    // with premain): hooked now. Loaded classes are described from their Class objects, no class
    // file is read.
    ElementMatcher<TypeDescription> hooked = types;
    retransform(
        inst,
        c ->
            (c.getName().startsWith(SunJsse.PACKAGE + ".")
                    || c.getName().startsWith(CertPath.PACKAGE + ".")
                    || gate.isProviderClass(c.getName().replace('.', '/')))
                && hooked.matches(TypeDescription.ForLoadedType.of(c)),
        "instrument");
    // At JVM exit, pending spans get at most 2 s: an unreachable collector must not hold the exit.
    Thread shutdownHook =
        new Thread(
            () ->
                exporter.shutdown(
                    2, TimeUnit.SECONDS, "JVM shutdown before the handshake finished"),
            "handshake-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    return new AgentRuntime(options, tracker, exporter, features, gate, transformed, shutdownHook);
  }

  /**
   * Retransforms the loaded classes {@code which} accepts; false (with one warning line) if the JVM
   * refused.
   */
  private static boolean retransform(Instrumentation inst, Predicate<Class<?>> which, String what) {
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (inst.isModifiableClass(c) && which.test(c)) {
        classes.add(c);
      }
    }
    if (classes.isEmpty()) {
      return true;
    }
    try {
      inst.retransformClasses(classes.toArray(new Class<?>[0]));
      return true;
    } catch (Throwable t) {
      AgentLog.warn("could not " + what + " the loaded JSSE classes " + classes + ": " + t);
      return false;
    }
  }

  /**
   * The one AgentBuilder: every default that is wrong for JDK classes is overridden here. Made raw
   * and registered through the {@link InstallGate}; {@code transformed} collects the names of the
   * classes it changes.
   */
  static AgentBuilder agentBuilder(
      Set<Feature> features, Set<String> transformed, Consumer<String> disableProvider) {
    List<ProviderHooks> providers = Providers.all();
    ElementMatcher.Junction<TypeDescription> providerTypes = none();
    for (ProviderHooks p : providers) {
      for (String name : p.classNames()) {
        providerTypes = providerTypes.or(ProviderHooks.relocatable(name));
      }
    }
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            // Advice only changes method bodies, so already-loaded JDK classes can be
            // retransformed (dynamic attach, or a JMX-over-TLS agent that ran first).
            .disableClassFormatChanges()
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new ErrorListener(transformed))
            .with(
                Boolean.getBoolean("handshake.debug.transform")
                    ? AgentBuilder.Listener.StreamWriting.toSystemError().withTransformationsOnly()
                    : AgentBuilder.Listener.NoOp.INSTANCE)
            // The default ignore rule excludes every boot-loader class, i.e. all of SunJSSE (and
            // the certpath classes that check revocation).
            .ignore(
                not(
                    nameStartsWith(SunJsse.PACKAGE + ".")
                        .or(nameStartsWith(CertPath.PACKAGE + "."))
                        .or(providerTypes)));
    for (JdkInstrumentation i : HookTable.instrumentations(features)) {
      builder =
          builder
              .type(i.types())
              .transform(
                  (DynamicType.Builder<?> b,
                      TypeDescription type,
                      ClassLoader loader,
                      JavaModule module,
                      ProtectionDomain pd) -> i.apply(b, type));
    }
    for (ProviderHooks p : providers) {
      ProviderGuard guard = new ProviderGuard(p, disableProvider, AgentLog::warn);
      for (JdkInstrumentation i : p.instrumentations()) {
        builder =
            builder
                .type(i.types())
                .transform(
                    (DynamicType.Builder<?> b,
                        TypeDescription type,
                        ClassLoader loader,
                        JavaModule module,
                        ProtectionDomain pd) -> guard.allows(type) ? i.apply(b, type) : b);
      }
    }
    return builder;
  }

  /**
   * Checks a provider's model rows on each class of it Byte Buddy matches, before its advice is
   * applied: the first mismatch switches the provider off (its later classes are left unchanged,
   * its events ignored) with one warning line naming the provider and the missing member.
   */
  static final class ProviderGuard {
    private final ProviderHooks provider;
    private final Consumer<String> disable;
    private final Consumer<String> warn;
    private volatile boolean off;

    ProviderGuard(ProviderHooks provider, Consumer<String> disable, Consumer<String> warn) {
      this.provider = provider;
      this.disable = disable;
      this.warn = warn;
    }

    boolean allows(TypeDescription type) {
      if (off) {
        return false;
      }
      List<ProviderRow> missing = ProviderCheck.missing(provider.rows(), type);
      if (missing.isEmpty()) {
        return true;
      }
      synchronized (this) {
        if (!off) {
          off = true;
          disable.accept(provider.name());
          warn.accept(
              provider.name()
                  + " internals differ from what the agent knows ("
                  + type.getName()
                  + " lacks "
                  + missing.get(0)
                  + "); "
                  + provider.name()
                  + " handshakes are not traced, the application is unaffected");
        }
      }
      return false;
    }
  }

  private static HandshakeExporter.Telemetry sdkTelemetry(Map<String, String> otel) {
    try {
      ExportReport report = new ExportReport(AgentLog::warn);
      TelemetrySdk.Started started = TelemetrySdk.start(otel, AgentLog::warn, report);
      OpenTelemetrySdk sdk = started.sdk;
      return new HandshakeExporter.Telemetry() {
        @Override
        public DirectSpans directSpans() {
          return started.direct;
        }

        @Override
        public TracerProvider tracerProvider() {
          return sdk.getTracerProvider();
        }

        @Override
        public MeterProvider meterProvider() {
          return sdk.getMeterProvider();
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofAll(
              List.of(
                  sdk.getSdkTracerProvider().forceFlush(), sdk.getSdkMeterProvider().forceFlush()));
        }

        @Override
        public CompletableResultCode shutdown() {
          return sdk.shutdown();
        }

        @Override
        public void closing() {
          report.closing();
        }

        @Override
        public String shutdownReport() {
          return report.summary();
        }
      };
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      AgentLog.warn(
          "OpenTelemetry SDK configuration failed, no spans are exported: " + cause.getMessage());
      return new HandshakeExporter.Telemetry() {
        @Override
        public TracerProvider tracerProvider() {
          return TracerProvider.noop();
        }

        @Override
        public MeterProvider meterProvider() {
          return MeterProvider.noop();
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

  /**
   * Byte Buddy swallows transformation errors unless told; one warning line per type. Also notes
   * each transformed class, for detach.
   */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    private final Set<String> transformed;

    ErrorListener(Set<String> transformed) {
      this.transformed = transformed;
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      transformed.add(typeDescription.getName());
    }

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
