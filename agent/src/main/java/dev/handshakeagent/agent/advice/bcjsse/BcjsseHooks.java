package dev.handshakeagent.agent.advice.bcjsse;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.jdk.ProviderRow;
import java.util.List;

/** Bouncy Castle's JSSE provider (bctls): the whole protocol runs in Java. */
public final class BcjsseHooks extends ProviderHooks {

  /** {@code handshake.provider} of its handshakes. */
  public static final String NAME = "BCJSSE";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> classNames() {
    return List.of();
  }

  @Override
  public List<ProviderRow> rows() {
    return List.of();
  }

  @Override
  public List<JdkInstrumentation> instrumentations() {
    return List.of();
  }
}
