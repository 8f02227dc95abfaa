package dev.handshakeagent.agent.advice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one table of every JDK-internal method the agent instruments, built from the instrumentation
 * classes (each row lives next to its advice). {@link HookCheck} verifies it against the running
 * JDK at start; the README's hook table is this list.
 */
public final class HookTable {
  private HookTable() {}

  /** The instrumentations for the given enabled features, in install order. */
  public static List<JdkInstrumentation> instrumentations(Set<Hook.Feature> enabled) {
    List<JdkInstrumentation> all = new ArrayList<>();
    all.add(new HandshakeContextInstrumentation(enabled));
    all.add(new PostHandshakeContextInstrumentation(enabled));
    all.add(new TransportContextInstrumentation(enabled));
    all.add(new HandshakeProducerInstrumentation(enabled));
    all.add(new HandshakeMessageInstrumentation(enabled));
    all.add(new CertificateConsumerInstrumentation(enabled));
    all.add(new ChangeCipherSpecInstrumentation(enabled));
    all.add(new RevocationInstrumentation(enabled));
    return all;
  }

  /** Every row. */
  public static List<Hook> rows() {
    List<Hook> rows = new ArrayList<>();
    for (JdkInstrumentation i : instrumentations(EnumSet.allOf(Hook.Feature.class))) {
      rows.addAll(i.hooks());
    }
    return Collections.unmodifiableList(rows);
  }
}
