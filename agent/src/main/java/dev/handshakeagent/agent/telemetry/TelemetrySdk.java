package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Starts the agent's own OpenTelemetry SDK through the SDK's autoconfiguration, so every standard
 * {@code OTEL_*} variable and {@code otel.*} system property works as documented by OpenTelemetry.
 *
 * <p>Defaults that differ from the SDK's: OTLP protocol {@code http/protobuf} (the SDK's own
 * default is grpc, the official Java agent's is http/protobuf; this agent bundles no gRPC sender),
 * logs exporter {@code none} (the agent writes no logs through the SDK), and a {@code service.name}
 * derived from the main class or jar instead of {@code unknown_service:java}. Traces and metrics
 * keep the SDK's default exporter, {@code otlp}.
 */
public final class TelemetrySdk {
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private TelemetrySdk() {}

  /**
   * Builds the SDK. {@code overrides} are {@code otel.*} pairs given as agent options (attach),
   * which win over the JVM's own properties and environment.
   */
  public static OpenTelemetrySdk create(Map<String, String> overrides, Consumer<String> warn) {
    return create(overrides, warn, new ExportReport(warn));
  }

  /**
   * As {@link #create(Map, Consumer)}; failing OTLP exports are reported through {@code report}
   * (one line a minute while running, a summary of what was not delivered at shutdown) instead of
   * the SDK's java.util.logging records.
   */
  public static OpenTelemetrySdk create(
      Map<String, String> overrides, Consumer<String> warn, ExportReport report) {
    return start(overrides, warn, report).sdk;
  }

  /** An autoconfigured SDK and the parts of its trace pipeline spans can be handed to directly. */
  public static final class Started {
    public final OpenTelemetrySdk sdk;

    /**
     * Null when the SDK is disabled or span limits are configured (then the tracer applies them).
     */
    public final DirectSpans direct;

    Started(OpenTelemetrySdk sdk, DirectSpans direct) {
      this.sdk = sdk;
      this.direct = direct;
    }
  }

  /** Settings the tracer applies to every span; when one is given, spans go through the tracer. */
  private static final List<String> SPAN_LIMIT_KEYS =
      List.of(
          "otel.attribute.value.length.limit",
          "otel.attribute.count.limit",
          "otel.span.attribute.value.length.limit",
          "otel.span.attribute.count.limit");

  /**
   * As {@link #create(Map, Consumer, ExportReport)}, and also captures what the tracer provider is
   * made of (its sampler, span processors and resource), so the handshake spans can be handed to
   * the same processors without being built through the tracer.
   */
  public static Started start(
      Map<String, String> overrides, Consumer<String> warn, ExportReport report) {
    quietSdkExportLog();
    List<SpanProcessor> processors = new ArrayList<>();
    Sampler[] sampler = new Sampler[1];
    Resource[] resource = new Resource[1];
    boolean[] limited = new boolean[1];
    SpanProcessor counter = report.counter();
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(TelemetrySdk::defaults)
            .addPropertiesCustomizer(config -> overrides)
            .addPropertiesCustomizer(config -> onlyHttpProtobuf(config, warn))
            .addPropertiesCustomizer(config -> validEndpoints(config, warn))
            .addSpanExporterCustomizer(
                (exporter, config) ->
                    exporter instanceof OtlpHttpSpanExporter
                        ? new ReportingSpanExporter(exporter, endpoint(config, "traces"), report)
                        : exporter)
            .addMetricExporterCustomizer(
                (exporter, config) ->
                    exporter instanceof OtlpHttpMetricExporter
                        ? new ReportingMetricExporter(exporter, endpoint(config, "metrics"), report)
                        : exporter)
            .addSpanProcessorCustomizer(
                (processor, config) -> {
                  processors.add(processor);
                  return processor;
                })
            .addTracerProviderCustomizer(
                (builder, config) -> {
                  for (String key : SPAN_LIMIT_KEYS) {
                    limited[0] |= config.getString(key) != null;
                  }
                  return builder.addSpanProcessor(counter);
                })
            .addResourceCustomizer(
                (r, config) -> {
                  String name = r.getAttribute(SERVICE_NAME);
                  Resource named =
                      name == null || name.startsWith("unknown_service")
                          ? r.merge(
                              Resource.builder().put(SERVICE_NAME, defaultServiceName()).build())
                          : r;
                  resource[0] = named;
                  return named;
                })
            .addSamplerCustomizer(
                (configured, config) -> {
                  sampler[0] = new KeepSampler(configured);
                  return sampler[0];
                })
            .setServiceClassLoader(TelemetrySdk.class.getClassLoader())
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    processors.add(counter);
    DirectSpans direct =
        sampler[0] == null || resource[0] == null || limited[0]
            ? null
            : new DirectSpans(sampler[0], SpanProcessor.composite(processors), resource[0]);
    return new Started(sdk, direct);
  }

  /** gRPC needs a sender this agent does not bundle: one line, and the accepted value instead. */
  private static Map<String, String> onlyHttpProtobuf(
      ConfigProperties config, Consumer<String> warn) {
    Map<String, String> fixed = new HashMap<>();
    for (String key :
        new String[] {"otel.exporter.otlp.protocol", "otel.exporter.otlp.traces.protocol"}) {
      String value = config.getString(key);
      if (value != null && !value.equals("http/protobuf")) {
        warn.accept(
            "unsupported value '"
                + value
                + "' for "
                + key
                + " (accepted: http/protobuf; this agent bundles no gRPC sender); using"
                + " http/protobuf, whose default port is 4318");
        fixed.put(key, "http/protobuf");
      }
    }
    return fixed;
  }

  /** Default OTLP/HTTP endpoints, by key. */
  private static final Map<String, String> DEFAULT_ENDPOINTS =
      Map.of(
          "otel.exporter.otlp.endpoint", "http://localhost:4318",
          "otel.exporter.otlp.traces.endpoint", "http://localhost:4318/v1/traces",
          "otel.exporter.otlp.metrics.endpoint", "http://localhost:4318/v1/metrics",
          "otel.exporter.otlp.logs.endpoint", "http://localhost:4318/v1/logs");

  /** A malformed endpoint: one line naming the key and what it accepts, and the default. */
  private static Map<String, String> validEndpoints(
      ConfigProperties config, Consumer<String> warn) {
    Map<String, String> fixed = new HashMap<>();
    for (Map.Entry<String, String> e : DEFAULT_ENDPOINTS.entrySet()) {
      String value = config.getString(e.getKey());
      if (value != null && !isHttpUrl(value)) {
        warn.accept(
            "invalid value '"
                + value
                + "' for "
                + e.getKey()
                + " (accepted: an http:// or https:// URL such as http://collector:4318);"
                + " using the default "
                + e.getValue());
        fixed.put(e.getKey(), e.getValue());
      }
    }
    return fixed;
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = URI.create(value.trim());
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String endpoint(ConfigProperties config, String signal) {
    String own = config.getString("otel.exporter.otlp." + signal + ".endpoint");
    if (own != null) {
      return own;
    }
    String base = config.getString("otel.exporter.otlp.endpoint", "http://localhost:4318");
    return base.replaceAll("/$", "") + "/v1/" + signal;
  }

  /** Held so that java.util.logging keeps the settings made on them (it holds loggers weakly). */
  private static volatile List<Logger> quietedLoggers = List.of();

  /** Records of the SDK's batch span processor and metric reader about failing exports. */
  private static final List<String> EXPORT_FAILURE_RECORDS =
      List.of("BatchSpanProcessor dropped ", "Exporter failed", "Exporter timed out");

  /**
   * The SDK logs a failing endpoint through java.util.logging, several lines per failed batch: the
   * OTLP exporter a SEVERE record with a stack trace (5 a minute, then one a minute), the batch
   * span processor a WARNING with the count of dropped spans before every export while its queue is
   * full, the metric reader a WARNING per failed export. These are switched off; {@link
   * ExportReport} says the same in one line a minute and a summary at exit. The SDK's other records
   * stay. A level or filter configured for these loggers (logging.properties) is kept. Called when
   * the SDK starts, which uses java.util.logging anyway (never at agent start, so an application
   * can still choose its LogManager).
   */
  private static void quietSdkExportLog() {
    try {
      List<Logger> held = new ArrayList<>();
      Logger exporter = Logger.getLogger(HttpExporter.class.getName());
      if (exporter.getLevel() == null && exporter.getFilter() == null) {
        exporter.setLevel(Level.OFF);
      }
      held.add(exporter);
      for (Class<?> c : List.of(BatchSpanProcessor.class, PeriodicMetricReader.class)) {
        Logger log = Logger.getLogger(c.getName());
        if (log.getLevel() == null && log.getFilter() == null) {
          log.setFilter(TelemetrySdk::notAnExportFailure);
        }
        held.add(log);
      }
      quietedLoggers = held;
    } catch (Throwable e) {
      // A security manager without LoggingPermission("control"): the SDK logs as it would alone,
      // and exports all the same.
    }
  }

  private static boolean notAnExportFailure(LogRecord record) {
    String message = record.getMessage();
    if (message == null) {
      return true;
    }
    for (String prefix : EXPORT_FAILURE_RECORDS) {
      if (message.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new HashMap<>();
    d.put("otel.exporter.otlp.protocol", "http/protobuf");
    d.put("otel.logs.exporter", "none");
    return d;
  }

  /**
   * {@code service.name} when none is configured: the jar's file name without {@code .jar} for
   * {@code java -jar app.jar}, else the main class's simple name.
   */
  public static String defaultServiceName() {
    String command = System.getProperty("sun.java.command", "").trim();
    if (command.isEmpty()) {
      return "java";
    }
    String main = command.split("\\s+")[0];
    if (main.toLowerCase(Locale.ROOT).endsWith(".jar")) {
      String file = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
      return file.substring(0, file.length() - 4);
    }
    int slash = main.lastIndexOf('/');
    if (slash >= 0) {
      main = main.substring(slash + 1); // module/class form
    }
    return main.substring(main.lastIndexOf('.') + 1);
  }

  /**
   * {@code host:port} of the OTLP endpoints the exporter sends to, read the way the SDK reads them,
   * so the agent does not trace its own exporter's TLS handshakes.
   */
  public static Set<String> exporterPeers(Map<String, String> overrides) {
    Set<String> peers = new HashSet<>();
    for (String signal : new String[] {"traces", "metrics", "logs"}) {
      String endpoint = setting("otel.exporter.otlp." + signal + ".endpoint", overrides);
      if (endpoint == null) {
        endpoint = setting("otel.exporter.otlp.endpoint", overrides);
      }
      if (endpoint == null) {
        continue;
      }
      try {
        URI uri = URI.create(endpoint.trim());
        String host = uri.getHost();
        if (host != null) {
          int port = uri.getPort();
          if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
          }
          peers.add(host + ":" + port);
          if (host.startsWith("[")) {
            // The JDK's HttpClient names an IPv6 peer in its full form (0:0:0:0:0:0:0:1);
            // parsing a literal never does a DNS lookup.
            String literal = host.substring(1, host.length() - 1);
            peers.add(InetAddress.getByName(literal).getHostAddress() + ":" + port);
          }
        }
      } catch (IllegalArgumentException | UnknownHostException ignored) {
        // The SDK reports a bad endpoint itself.
      }
    }
    return peers;
  }

  private static String setting(String key, Map<String, String> overrides) {
    String v = overrides.get(key);
    if (v == null) {
      v = System.getProperty(key);
    }
    if (v == null) {
      v = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return v == null || v.isBlank() ? null : v;
  }
}
