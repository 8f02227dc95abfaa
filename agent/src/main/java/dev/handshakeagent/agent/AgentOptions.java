package dev.handshakeagent.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The agent's own options, parsed once. Each key can be given three ways; the first found wins:
 * agent argument ({@code -javaagent:handshake-agent.jar=phases=false,abandon.timeout=30s}), system
 * property ({@code -Dhandshake.phases=false}), environment variable ({@code
 * HANDSHAKE_PHASES=false}). A bad value is reported in one line naming the key and the accepted
 * values, and the default is used. Agent arguments starting with {@code otel.} are passed to the
 * OpenTelemetry SDK.
 */
public final class AgentOptions {

  public static final String ENABLED = "enabled";
  public static final String PHASES = "phases";
  public static final String ABANDON_TIMEOUT = "abandon.timeout";
  public static final String CONSOLE = "console";
  public static final String SLOW_THRESHOLD = "slow.threshold";
  public static final String OFFERED = "offered";
  public static final String REJECTION_WAIT = "rejection.wait";

  private static final String ACCEPTED_KEYS =
      String.join(
          ", ",
          ENABLED,
          PHASES,
          ABANDON_TIMEOUT,
          SLOW_THRESHOLD,
          REJECTION_WAIT,
          OFFERED,
          CONSOLE,
          "otel.*");

  static final long DEFAULT_ABANDON_TIMEOUT_MILLIS = 60_000;
  static final long DEFAULT_SLOW_THRESHOLD_MILLIS = 1_000;
  static final long DEFAULT_REJECTION_WAIT_MILLIS = 2_000;

  /** False turns the agent off entirely (nothing is instrumented). Default true. */
  public final boolean enabled;

  /** False exports root spans only, without phase spans and their hooks. Default true. */
  public final boolean phases;

  /** A handshake with no progress for this long ends as {@code error.type=abandoned}. */
  public final long abandonTimeoutMillis;

  /** A handshake at least this long is exported whatever the trace sampler says. Default 1 s. */
  public final long slowThresholdMillis;

  /**
   * How long the root of a TLS 1.3 client that answered a certificate_request waits, after the
   * client's Finished, for the server's first record (a fatal alert there fails the handshake).
   * Only the export waits. Default 2 s.
   */
  public final long rejectionWaitMillis;

  /** Record what the client offered and the server enabled on root spans. Default true. */
  public final boolean offered;

  /** Also print each handshake as a text waterfall on stderr. Default false. */
  public final boolean console;

  /** {@code otel.*} pairs from the agent arguments, for the SDK's autoconfiguration. */
  public final Map<String, String> otelProperties;

  private AgentOptions(
      boolean enabled,
      boolean phases,
      long abandonTimeoutMillis,
      long slowThresholdMillis,
      long rejectionWaitMillis,
      boolean offered,
      boolean console,
      Map<String, String> otel) {
    this.enabled = enabled;
    this.phases = phases;
    this.abandonTimeoutMillis = abandonTimeoutMillis;
    this.slowThresholdMillis = slowThresholdMillis;
    this.rejectionWaitMillis = rejectionWaitMillis;
    this.offered = offered;
    this.console = console;
    this.otelProperties = Collections.unmodifiableMap(otel);
  }

  /** Reads the options from the agent arguments, the JVM's system properties and environment. */
  public static AgentOptions fromEnvironment(String agentArgs, Consumer<String> warn) {
    return parse(agentArgs, System::getProperty, System::getenv, warn);
  }

  /** Prefix of the options as settings of the OpenTelemetry Java agent (extension mode). */
  public static final String INSTRUMENTATION_PREFIX = "otel.instrumentation.tls-handshake.";

  /**
   * Extension mode: the JVM's system properties and environment, then {@code
   * otel.instrumentation.tls-handshake.<key>} as the OpenTelemetry Java agent's configuration has
   * it ({@code instrumentationConfig}: full key to value, or null).
   */
  public static AgentOptions fromEnvironment(
      Function<String, String> instrumentationConfig, Consumer<String> warn) {
    return parse(null, System::getProperty, System::getenv, instrumentationConfig, warn);
  }

  /** Parses with explicit sources (tests, and the attach command checking its arguments). */
  public static AgentOptions parse(
      String agentArgs,
      Function<String, String> systemProperty,
      Function<String, String> environment,
      Consumer<String> warn) {
    return parse(agentArgs, systemProperty, environment, key -> null, warn);
  }

  /** As above, with {@code otel.instrumentation.tls-handshake.*} as the last source. */
  static AgentOptions parse(
      String agentArgs,
      Function<String, String> systemProperty,
      Function<String, String> environment,
      Function<String, String> instrumentationConfig,
      Consumer<String> warn) {
    Map<String, String> args = new LinkedHashMap<>();
    Map<String, String> otel = new LinkedHashMap<>();
    if (agentArgs != null && !agentArgs.isBlank()) {
      String lastOtelKey = null;
      for (String pair : agentArgs.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String maybeKey = eq > 0 ? pair.substring(0, eq).trim() : "";
        if (lastOtelKey != null && !maybeKey.startsWith("otel.") && !isOwnKey(maybeKey)) {
          // A list value of the previous otel.* key (otel.resource.attributes=a=b,c=d).
          otel.put(lastOtelKey, otel.get(lastOtelKey) + "," + pair.trim());
          continue;
        }
        if (eq <= 0) {
          warn.accept(
              "agent option '"
                  + pair.trim()
                  + "' is not key=value; ignored (accepted keys: "
                  + ACCEPTED_KEYS
                  + ")");
          continue;
        }
        String key = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        lastOtelKey = null;
        if (key.startsWith("otel.")) {
          otel.put(key, value);
          lastOtelKey = key;
        } else if (isOwnKey(key)) {
          args.put(key, value);
        } else {
          warn.accept(
              "unknown agent option '" + key + "'; ignored (accepted keys: " + ACCEPTED_KEYS + ")");
        }
      }
    }
    Source s = new Source(args, systemProperty, environment, instrumentationConfig, warn);
    return new AgentOptions(
        s.bool(ENABLED, true),
        s.bool(PHASES, true),
        s.duration(ABANDON_TIMEOUT, DEFAULT_ABANDON_TIMEOUT_MILLIS),
        s.duration(SLOW_THRESHOLD, DEFAULT_SLOW_THRESHOLD_MILLIS),
        s.duration(REJECTION_WAIT, DEFAULT_REJECTION_WAIT_MILLIS),
        s.bool(OFFERED, true),
        s.bool(CONSOLE, false),
        otel);
  }

  private static boolean isOwnKey(String key) {
    return key.equals(ENABLED)
        || key.equals(PHASES)
        || key.equals(ABANDON_TIMEOUT)
        || key.equals(SLOW_THRESHOLD)
        || key.equals(REJECTION_WAIT)
        || key.equals(OFFERED)
        || key.equals(CONSOLE);
  }

  /** Looks a key up in the three places, and validates its value. */
  private static final class Source {
    private final Map<String, String> args;
    private final Function<String, String> systemProperty;
    private final Function<String, String> environment;
    private final Function<String, String> instrumentationConfig;
    private final Consumer<String> warn;

    Source(
        Map<String, String> args,
        Function<String, String> systemProperty,
        Function<String, String> environment,
        Function<String, String> instrumentationConfig,
        Consumer<String> warn) {
      this.args = args;
      this.systemProperty = systemProperty;
      this.environment = environment;
      this.instrumentationConfig = instrumentationConfig;
      this.warn = warn;
    }

    /** Returns {value, where it came from} or null. */
    private String[] lookup(String key) {
      String v = args.get(key);
      if (v != null) {
        return new String[] {v, "agent option " + key};
      }
      v = systemProperty.apply("handshake." + key);
      if (v != null) {
        return new String[] {v.trim(), "system property handshake." + key};
      }
      String env = "HANDSHAKE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
      v = environment.apply(env);
      if (v != null) {
        return new String[] {v.trim(), "environment variable " + env};
      }
      v = instrumentationConfig.apply(INSTRUMENTATION_PREFIX + key);
      if (v != null) {
        return new String[] {v.trim(), INSTRUMENTATION_PREFIX + key};
      }
      return null;
    }

    boolean bool(String key, boolean def) {
      String[] found = lookup(key);
      if (found == null) {
        return def;
      }
      if (found[0].equalsIgnoreCase("true")) {
        return true;
      }
      if (found[0].equalsIgnoreCase("false")) {
        return false;
      }
      warn.accept(
          "invalid value '"
              + found[0]
              + "' for "
              + found[1]
              + " (accepted: true, false); using the default "
              + def);
      return def;
    }

    long duration(String key, long defMillis) {
      String[] found = lookup(key);
      if (found == null) {
        return defMillis;
      }
      long millis = parseDurationMillis(found[0]);
      if (millis <= 0) {
        warn.accept(
            "invalid value '"
                + found[0]
                + "' for "
                + found[1]
                + " (accepted: a positive duration such as 500ms, 30s, 2m; a bare number is"
                + " milliseconds); using the default "
                + defMillis / 1000
                + "s");
        return defMillis;
      }
      return millis;
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1500}; -1 when malformed. */
  static long parseDurationMillis(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("ms")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
      unit = 1000;
    } else if (t.endsWith("m")) {
      t = t.substring(0, t.length() - 1);
      unit = 60_000;
    }
    try {
      long n = Long.parseLong(t.trim());
      return n > 0 && n < Long.MAX_VALUE / unit ? n * unit : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
