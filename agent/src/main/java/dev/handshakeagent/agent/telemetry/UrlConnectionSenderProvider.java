package dev.handshakeagent.agent.telemetry;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * The SDK finds the agent's OTLP/HTTP sender through this service ({@code META-INF/services}); it
 * is the only sender in the agent jar.
 */
public final class UrlConnectionSenderProvider implements HttpSenderProvider {
  @Override
  public HttpSender createSender(HttpSenderConfig config) {
    return new UrlConnectionSender(config);
  }
}
