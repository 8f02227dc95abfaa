package dev.handshakeagent.agent.providers;

import dev.handshakeagent.agent.testing.TestPki;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A gRPC server and client on grpc-netty-shaded (Netty and netty-tcnative relocated under {@code
 * io.grpc.netty.shaded.}) with TLS: three channels, three handshakes, with the default provider
 * (the bundled BoringSSL) and with {@code SslProvider.JDK}. No code generation: one unary method
 * with a byte-array marshaller.
 */
final class GrpcScenarios {
  private GrpcScenarios() {}

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", "Echo"))
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  static void run(Consumer<String> out) throws Exception {
    out.accept(threeChannels("GRPC_DEFAULT", null));
    out.accept(threeChannels("GRPC_JDK", SslProvider.JDK));
  }

  /** {@code provider} null: gRPC's default (OpenSSL when the bundled netty-tcnative loads). */
  static String threeChannels(String name, SslProvider provider) throws Exception {
    long start = ProvidersMain.now();
    SslContextBuilder sb =
        SslContextBuilder.forServer(Pki.keyManagers(TestPki.keyStore(TestPki.Server.RSA)));
    SslContextBuilder cb = SslContextBuilder.forClient().trustManager(Pki.trustManagers());
    SslContext serverCtx =
        (provider == null ? GrpcSslContexts.configure(sb) : GrpcSslContexts.configure(sb, provider))
            .build();
    SslContext clientCtx =
        (provider == null ? GrpcSslContexts.configure(cb) : GrpcSslContexts.configure(cb, provider))
            .build();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (req, obs) -> {
                      obs.onNext(req);
                      obs.onCompleted();
                    }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sslContext(serverCtx)
            .addService(service)
            .build()
            .start();
    int port = server.getPort();
    List<String> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", port)
                .overrideAuthority("localhost")
                .sslContext(clientCtx)
                .build();
        try {
          byte[] reply =
              ClientCalls.blockingUnaryCall(
                  ch, ECHO, CallOptions.DEFAULT, ("hello " + i).getBytes(StandardCharsets.UTF_8));
          answers.add(new String(reply, StandardCharsets.UTF_8));
        } finally {
          ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    return ProvidersMain.result(
        name,
        start,
        port,
        "openssl="
            + serverCtx.getClass().getSimpleName().contains("OpenSsl")
            + " answers="
            + answers);
  }
}
