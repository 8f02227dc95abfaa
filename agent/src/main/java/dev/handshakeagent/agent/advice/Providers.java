package dev.handshakeagent.agent.advice;

import dev.handshakeagent.agent.advice.bcjsse.BcjsseHooks;
import dev.handshakeagent.agent.advice.conscrypt.ConscryptHooks;
import dev.handshakeagent.agent.advice.tcnative.TcnativeHooks;
import java.util.ArrayList;
import java.util.List;

/**
 * Every TLS provider besides SunJSSE whose handshakes the agent traces. Adding a provider is one
 * line here plus its own folder (see {@link ProviderHooks} for the shape), and its class names in
 * the install gate's {@code InstallGate.PROVIDER_CLASSES} (kept equal to {@link
 * #internalClassNames()} by a test; the gate cannot read this registry, which a JVM without TLS
 * must not load). The agent bundles none of them: hooks apply only to the classes the application
 * brings.
 */
public final class Providers {
  private Providers() {}

  /** Every provider, in install order. */
  public static List<ProviderHooks> all() {
    List<ProviderHooks> all = new ArrayList<>();
    all.add(new BcjsseHooks());
    all.add(new TcnativeHooks());
    all.add(new ConscryptHooks());
    return all;
  }

  /**
   * Internal names ({@code org/bouncycastle/tls/TlsProtocol}) of every provider class hooked: what
   * the install gate's list must hold.
   */
  public static String[] internalClassNames() {
    List<String> out = new ArrayList<>();
    for (ProviderHooks p : all()) {
      for (String name : p.classNames()) {
        out.add(name.replace('.', '/'));
      }
    }
    return out.toArray(new String[0]);
  }
}
