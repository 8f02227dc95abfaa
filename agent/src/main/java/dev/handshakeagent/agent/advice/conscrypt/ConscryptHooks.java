package dev.handshakeagent.agent.advice.conscrypt;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.jdk.Conscrypt;
import dev.handshakeagent.agent.jdk.ProviderRow;
import java.util.List;

/**
 * Conscrypt (BoringSSL over JNI), as {@code SSLEngine} and as the engine socket that is its {@code
 * SSLSocket} on OpenJDK. The handshake runs in native code: the hooks see its start, success and
 * failure, the trust manager's check of the peer's chain and a client's certificate request.
 */
public final class ConscryptHooks extends ProviderHooks {

  @Override
  public String name() {
    return Conscrypt.PROVIDER;
  }

  @Override
  public List<String> classNames() {
    return List.of(Conscrypt.ENGINE, Conscrypt.NATIVE_SSL, Conscrypt.ENGINE_SOCKET);
  }

  @Override
  public List<ProviderRow> rows() {
    return Conscrypt.rows();
  }

  @Override
  public List<JdkInstrumentation> instrumentations() {
    return List.of(
        new ConscryptEngineInstrumentation(),
        new NativeSslInstrumentation(),
        new EngineSocketInstrumentation());
  }
}
