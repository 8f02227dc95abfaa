package dev.handshakeagent.agent.advice.tcnative;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.agent.jdk.ProviderRow;
import dev.handshakeagent.agent.jdk.Tcnative;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenSSL (BoringSSL, or the system's OpenSSL) as Netty runs it through netty-tcnative ({@code
 * SslProvider.OPENSSL}), and every relocated copy of it, such as grpc-netty-shaded's default
 * provider. The handshake runs in native code: the hooks see its start, success and failure, the
 * trust manager's check of the peer's chain and a client's certificate request.
 */
public final class TcnativeHooks extends ProviderHooks {

  @Override
  public String name() {
    return Tcnative.PROVIDER;
  }

  @Override
  public List<String> classNames() {
    List<String> names = new ArrayList<>();
    names.add(Tcnative.ENGINE);
    names.add(Tcnative.KEY_MATERIAL_MANAGER);
    names.addAll(Tcnative.VERIFY_CALLBACKS);
    return names;
  }

  @Override
  public List<ProviderRow> rows() {
    return Tcnative.rows();
  }

  @Override
  public List<JdkInstrumentation> instrumentations() {
    return List.of(
        new OpenSslEngineInstrumentation(),
        new VerifyCallbackInstrumentation(),
        new KeyMaterialInstrumentation());
  }
}
