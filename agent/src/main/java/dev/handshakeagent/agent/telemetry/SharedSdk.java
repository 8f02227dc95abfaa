package dev.handshakeagent.agent.telemetry;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An SDK the agent shares with the agent it runs inside (extension mode: the OpenTelemetry Java
 * agent's) instead of starting its own: where spans and metrics go, where a handshake's parent span
 * is read, and which peers are the host's exporter (whose handshakes are not traced).
 */
public final class SharedSdk {
  /** The agent's version, for its instrumentation scope; null when unknown. */
  public final String version;

  /** Made on the agent's thread at the first handshake; its shutdown only flushes. */
  public final Supplier<HandshakeExporter.Telemetry> telemetry;

  /** Read on the handshake thread: an {@link ApplicationSpan.Parent} or null. */
  public final Supplier<Object> parent;

  /** {@code host:port} of the host's OTLP endpoints. */
  public final Set<String> exporterPeers;

  /**
   * Takes what must run before the host shuts its SDK down (export the pending handshakes): the
   * host's shutdown hook and the agent's own run in either order.
   */
  public final Consumer<Runnable> beforeHostShutdown;

  public SharedSdk(
      String version,
      Supplier<HandshakeExporter.Telemetry> telemetry,
      Supplier<Object> parent,
      Set<String> exporterPeers,
      Consumer<Runnable> beforeHostShutdown) {
    this.version = version;
    this.telemetry = telemetry;
    this.parent = parent;
    this.exporterPeers = exporterPeers;
    this.beforeHostShutdown = beforeHostShutdown;
  }
}
