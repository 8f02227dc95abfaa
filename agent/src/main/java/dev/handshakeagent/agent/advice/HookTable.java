package dev.handshakeagent.agent.advice;

import dev.handshakeagent.agent.jdk.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every instrumentation, in install order. The JDK methods they hook are rows of the JDK model
 * ({@code SunJsse}); each instrumentation applies only the hooks whose features are enabled.
 */
public final class HookTable {
  private HookTable() {}

  /** The instrumentations for the given enabled features, in install order. */
  public static List<JdkInstrumentation> instrumentations(Set<Feature> enabled) {
    List<JdkInstrumentation> all = new ArrayList<>();
    all.add(new HandshakeContextInstrumentation(enabled));
    all.add(new PostHandshakeContextInstrumentation(enabled));
    all.add(new TransportContextInstrumentation(enabled));
    all.add(new HandshakeProducerInstrumentation(enabled));
    all.add(new HandshakeMessageInstrumentation(enabled));
    all.add(new HandshakeOutStreamInstrumentation(enabled));
    all.add(new CertificateConsumerInstrumentation(enabled));
    all.add(new ChangeCipherSpecInstrumentation(enabled));
    all.add(new SSLTransportInstrumentation(enabled));
    all.add(new SSLEngineImplInstrumentation(enabled));
    all.add(new RevocationInstrumentation(enabled));
    return all;
  }
}
