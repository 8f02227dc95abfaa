package dev.handshakeagent.agent.extension;

import dev.handshakeagent.agent.AgentInstaller;
import dev.handshakeagent.agent.AgentLog;
import dev.handshakeagent.agent.AgentOptions;
import dev.handshakeagent.agent.telemetry.ContextSpan;
import dev.handshakeagent.agent.telemetry.SharedSdk;
import dev.handshakeagent.agent.telemetry.TelemetrySdk;
import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Entry point of {@code handshake-agent-extension.jar} as an extension of the OpenTelemetry Java
 * agent ({@code -Dotel.javaagent.extensions=}): once that agent has started its SDK, installs the
 * same hooks, JDK model and telemetry as {@code -javaagent} does, with spans and metrics going to
 * that SDK. Its extension class loader maps {@code io.opentelemetry.api} and {@code context} to its
 * own copies, which is why this jar bundles no OpenTelemetry. Never throws into that agent.
 */
public final class HandshakeExtension implements AgentListener {

  /** The OpenTelemetry Java agent's holder of the JVM's Instrumentation, on the boot class path. */
  static final String INSTRUMENTATION_HOLDER =
      "io.opentelemetry.javaagent.bootstrap.InstrumentationHolder";

  /** The endpoint settings of the host's OTLP exporter, whose handshakes are not traced. */
  private static final String[] ENDPOINT_KEYS = {
    "otel.exporter.otlp.endpoint",
    "otel.exporter.otlp.traces.endpoint",
    "otel.exporter.otlp.metrics.endpoint",
    "otel.exporter.otlp.logs.endpoint"
  };

  @Override
  public void afterAgent(AutoConfiguredOpenTelemetrySdk autoConfigured) {
    try {
      ConfigProperties config = HandshakeCustomizer.config();
      AgentOptions options = HandshakeCustomizer.options(config);
      if (!options.enabled) {
        AgentLog.info(
            "disabled: "
                + AgentOptions.INSTRUMENTATION_PREFIX
                + "enabled, otel.instrumentation.common.default-enabled or handshake.enabled is"
                + " false");
        return;
      }
      Instrumentation inst = instrumentation();
      if (inst == null) {
        AgentLog.warn(
            "this OpenTelemetry Java agent does not expose the JVM's Instrumentation ("
                + INSTRUMENTATION_HOLDER
                + "); handshakes are not traced");
        return;
      }
      OpenTelemetrySdk sdk = autoConfigured.getOpenTelemetrySdk();
      Map<String, String> endpoints = new HashMap<>();
      if (config != null) {
        for (String key : ENDPOINT_KEYS) {
          String v = config.getString(key);
          if (v != null) {
            endpoints.put(key, v);
          }
        }
      }
      String version = version();
      SharedSdk shared =
          new SharedSdk(
              version,
              () -> new SharedTelemetry(sdk, version),
              new ContextSpan(),
              TelemetrySdk.exporterPeers(endpoints),
              HandshakeCustomizer::beforeShutdown);
      AgentInstaller.startShared(options, inst, shared, jsseLoaded(inst));
    } catch (Throwable t) {
      AgentLog.warn("not installed, the application runs without it: " + t);
    }
  }

  /**
   * This jar's version, from its manifest: the extension class loader defines no package versions,
   * and asks the official agent's loader first for a resource, so every manifest is looked at.
   */
  static String version() {
    try {
      Enumeration<URL> manifests =
          HandshakeExtension.class.getClassLoader().getResources(JarFile.MANIFEST_NAME);
      while (manifests.hasMoreElements()) {
        try (InputStream in = manifests.nextElement().openStream()) {
          Attributes a = new Manifest(in).getMainAttributes();
          if (TITLE.equals(a.getValue(Attributes.Name.IMPLEMENTATION_TITLE))) {
            return a.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no version then, as when run from classes
    }
    return null;
  }

  /** {@code Implementation-Title} of handshake-agent-extension.jar (agent/pom.xml). */
  private static final String TITLE = "handshake-agent-extension";

  private static Instrumentation instrumentation() {
    try {
      Class<?> holder = Class.forName(INSTRUMENTATION_HOLDER, false, null);
      return (Instrumentation) holder.getMethod("getInstrumentation").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether SunJSSE is in use already (the host agent, or an application that ran before it): then
   * the install is done now, since the class load it would otherwise wait for may not come.
   */
  private static boolean jsseLoaded(Instrumentation inst) {
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getName().startsWith("sun.security.ssl.")) {
        return true;
      }
    }
    return false;
  }
}
