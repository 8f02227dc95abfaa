package dev.handshakeagent.agent.reliability;

import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TlsRun;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application that bundles its own libraries (the test gives each run its own class path from
 * {@code target/coexist/}): its own OpenTelemetry API and SDK, whose spans it exports itself; SLF4J
 * with a logging backend configured by its own file; and Byte Buddy, on its class path ({@code
 * --bytebuddy classpath}) or in a plugin class loader of its own ({@code --bytebuddy <jar>}, loaded
 * parent-first like most plugin and launcher class loaders). It runs TLS scenarios inside one of
 * its own spans and some outside any span.
 *
 * <p>Arguments: {@code --bytebuddy classpath|<jar> --inside S1,S2 --outside S3}; with {@code
 * -Dapp.otlp.endpoint=http://...} its spans also go to that OTLP/HTTP endpoint (OpenTelemetry 1.68:
 * the 1.0 SDK had no OTLP/HTTP exporter). Prints {@code LIB}, {@code LEVELS}, {@code BYTEBUDDY},
 * {@code APPSPAN-CURRENT}, {@code APPSPAN-EXPORTED}, {@code RESULT} lines and {@code DONE}.
 */
public final class CoexistApp {
  private CoexistApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("JAVA " + System.getProperty("java.specification.version"));
    String byteBuddy = null;
    List<Scenario> inside = new ArrayList<>();
    List<Scenario> outside = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--bytebuddy":
          byteBuddy = args[i + 1];
          break;
        case "--inside":
          inside = scenarios(args[i + 1]);
          break;
        case "--outside":
          outside = scenarios(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException(args[i]);
      }
    }
    Logger log = LoggerFactory.getLogger("app.main");
    Logger noisy = LoggerFactory.getLogger("app.noisy");
    lib("slf4j", LoggerFactory.class);
    lib("logging", LoggerFactory.getILoggerFactory().getClass());
    lib("opentelemetry-api", Span.class);
    lib("opentelemetry-sdk", SdkTracerProvider.class);
    System.out.println(
        "LEVELS factory="
            + LoggerFactory.getILoggerFactory().getClass().getName()
            + " app.main info="
            + log.isInfoEnabled()
            + " debug="
            + log.isDebugEnabled()
            + " app.noisy info="
            + noisy.isInfoEnabled()
            + " warn="
            + noisy.isWarnEnabled());
    log.info("application starting");
    log.debug("a debug line the configuration hides");
    noisy.info("an info line the configuration hides");
    noisy.warn("a warning of the noisy logger");

    System.out.println("BYTEBUDDY " + byteBuddy(byteBuddy));

    SdkTracerProviderBuilder builder =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "coexist-app")))
            .addSpanProcessor(SimpleSpanProcessor.create(new PrintingExporter()));
    String otlp = System.getProperty("app.otlp.endpoint");
    if (otlp != null) {
      builder.addSpanProcessor(SimpleSpanProcessor.create(Otlp.exporter(otlp)));
    }
    SdkTracerProvider tracing = builder.build();
    Tracer tracer = tracing.get("coexist-app");
    Span request = tracer.spanBuilder("GET /orders").setSpanKind(SpanKind.SERVER).startSpan();
    System.out.println(
        "APPSPAN-CURRENT "
            + request.getSpanContext().getTraceId()
            + " "
            + request.getSpanContext().getSpanId());
    try (Scope ignored = request.makeCurrent()) {
      log.info("handling the request");
      run(inside);
      Span render = tracer.spanBuilder("render orders").startSpan();
      render.end();
    } finally {
      request.end();
    }
    log.info("outside any span");
    run(outside);
    tracing.forceFlush().join(10, TimeUnit.SECONDS);
    tracing.shutdown().join(10, TimeUnit.SECONDS);
    log.info("application done");
    System.out.println("DONE");
  }

  private static List<Scenario> scenarios(String names) {
    List<Scenario> out = new ArrayList<>();
    for (String n : names.split(",")) {
      out.add(Scenario.valueOf(n));
    }
    return out;
  }

  private static void run(List<Scenario> scenarios) throws Exception {
    for (Scenario s : scenarios) {
      List<TlsRun.Result> results = s.run();
      for (int i = 0; i < results.size(); i++) {
        TlsRun.Result r = results.get(i);
        System.out.println("RESULT " + s + " " + i + " port=" + r.port + " " + r);
      }
    }
  }

  /** Where a class was loaded from: the jar's file name. */
  private static void lib(String what, Class<?> type) {
    URL location = type.getProtectionDomain().getCodeSource().getLocation();
    System.out.println("LIB " + what + " " + Paths.get(location.getPath()).getFileName());
  }

  /** Makes a class with the application's Byte Buddy and returns its {@code toString()}. */
  private static String byteBuddy(String where) throws Exception {
    if (where.equals("classpath")) {
      return ClassPathByteBuddy.make();
    }
    // A plugin with its own Byte Buddy in its own class loader (parent-first, as URLClassLoader and
    // most launchers are), used through reflection since this class cannot see it.
    try (URLClassLoader plugin =
        new URLClassLoader(
            new URL[] {Paths.get(where).toUri().toURL()}, CoexistApp.class.getClassLoader())) {
      Class<?> byteBuddyType = plugin.loadClass("net.bytebuddy.ByteBuddy");
      lib("byte-buddy", byteBuddyType);
      Class<?> builderType = plugin.loadClass("net.bytebuddy.dynamic.DynamicType$Builder");
      Class<?> matcherType = plugin.loadClass("net.bytebuddy.matcher.ElementMatcher");
      Class<?> implementationType = plugin.loadClass("net.bytebuddy.implementation.Implementation");
      Object matcher =
          plugin
              .loadClass("net.bytebuddy.matcher.ElementMatchers")
              .getMethod("named", String.class)
              .invoke(null, "toString");
      Object fixed =
          plugin
              .loadClass("net.bytebuddy.implementation.FixedValue")
              .getMethod("value", Object.class)
              .invoke(null, "made by the plugin's Byte Buddy");
      Object bb = byteBuddyType.getConstructor().newInstance();
      Object builder = byteBuddyType.getMethod("subclass", Class.class).invoke(bb, Object.class);
      builder = builderType.getMethod("name", String.class).invoke(builder, "app.plugin.Greeting");
      Object definition = builderType.getMethod("method", matcherType).invoke(builder, matcher);
      Method intercept =
          plugin
              .loadClass(
                  "net.bytebuddy.dynamic.DynamicType$Builder$MethodDefinition$ImplementationDefinition")
              .getMethod("intercept", implementationType);
      builder = intercept.invoke(definition, fixed);
      Object unloaded = builderType.getMethod("make").invoke(builder);
      Object loaded =
          plugin
              .loadClass("net.bytebuddy.dynamic.DynamicType$Unloaded")
              .getMethod("load", ClassLoader.class)
              .invoke(unloaded, plugin);
      Class<?> type =
          (Class<?>)
              plugin
                  .loadClass("net.bytebuddy.dynamic.DynamicType$Loaded")
                  .getMethod("getLoaded")
                  .invoke(loaded);
      return type.getName() + ": " + type.getConstructor().newInstance();
    }
  }

  /** Only loaded when Byte Buddy is on the application's class path. */
  private static final class ClassPathByteBuddy {
    static String make() throws Exception {
      lib("byte-buddy", ByteBuddy.class);
      Class<?> type =
          new ByteBuddy()
              .subclass(Object.class)
              .name("app.generated.Greeting")
              .method(ElementMatchers.named("toString"))
              .intercept(FixedValue.value("made by the application's Byte Buddy"))
              .make()
              .load(CoexistApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
              .getLoaded();
      return type.getName() + ": " + type.getConstructor().newInstance();
    }
  }

  /** The application's own exporter: every finished span as one line on stdout. */
  private static final class PrintingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData s : spans) {
        System.out.println(
            "APPSPAN-EXPORTED "
                + s.getName().replace(' ', '_')
                + " "
                + s.getSpanContext().getTraceId()
                + " "
                + s.getSpanContext().getSpanId()
                + " "
                + (s.getParentSpanContext().isValid()
                    ? s.getParentSpanContext().getSpanId()
                    : "-"));
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Only loaded with OpenTelemetry 1.68 on the class path (1.0 had no OTLP/HTTP exporter). */
  private static final class Otlp {
    static SpanExporter exporter(String endpoint) {
      return OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build();
    }
  }
}
