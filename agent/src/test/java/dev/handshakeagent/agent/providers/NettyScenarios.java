package dev.handshakeagent.agent.providers;

import dev.handshakeagent.agent.testing.TestPki;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Netty 4.2 servers and clients on loopback with {@code SslProvider.OPENSSL} (netty-tcnative's
 * BoringSSL) and {@code SslProvider.JDK}: successes, mutual TLS, and the four failures. Each
 * scenario prints what the application saw.
 */
final class NettyScenarios {
  private NettyScenarios() {}

  static void run(Consumer<String> out) throws Exception {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException(
          "netty-tcnative is not available", OpenSsl.unavailabilityCause());
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      for (SslProvider p : new SslProvider[] {SslProvider.OPENSSL, SslProvider.JDK}) {
        String tag = "NETTY_" + p + "_";
        out.accept(
            pair(
                group,
                tag + "TLS13",
                server(p, TestPki.Server.RSA, false, "TLSv1.3"),
                client(p, false, "TLSv1.3")));
        out.accept(
            pair(
                group,
                tag + "TLS12",
                server(p, TestPki.Server.RSA, false, "TLSv1.2"),
                client(p, false, "TLSv1.2")));
        out.accept(
            pair(
                group,
                tag + "MTLS",
                server(p, TestPki.Server.RSA, true, "TLSv1.3"),
                client(p, true, "TLSv1.3")));
      }
      SslProvider p = SslProvider.OPENSSL;
      String tag = "NETTY_OPENSSL_";
      out.accept(
          pair(
              group,
              tag + "UNTRUSTED",
              server(p, TestPki.Server.UNTRUSTED, false, "TLSv1.3"),
              client(p, false, "TLSv1.3")));
      out.accept(
          pair(
              group,
              tag + "NO_CLIENT_CERT",
              server(p, TestPki.Server.RSA, true, "TLSv1.2"),
              client(p, false, "TLSv1.2")));
      out.accept(
          pair(
              group,
              tag + "PROTOCOL",
              server(p, TestPki.Server.RSA, false, "TLSv1.3"),
              client(p, false, "TLSv1.2")));
      out.accept(peerCloses(group, tag + "PEER_CLOSES", client(p, false, "TLSv1.3")));
      for (String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
        out.accept(
            resumed(
                group,
                tag + "RESUME_" + version.replace("TLSv1.", "TLS1"),
                server(p, TestPki.Server.RSA, false, version),
                client(p, false, version)));
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  static SslContext server(
      SslProvider p, TestPki.Server cert, boolean requireClient, String protocol) throws Exception {
    return SslContextBuilder.forServer(Pki.keyManagers(TestPki.keyStore(cert)))
        .sslProvider(p)
        .trustManager(Pki.trustManagers())
        .clientAuth(requireClient ? ClientAuth.REQUIRE : ClientAuth.NONE)
        .protocols(protocol)
        .build();
  }

  static SslContext client(SslProvider p, boolean withKey, String protocol) throws Exception {
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(p)
            .trustManager(Pki.trustManagers())
            .protocols(protocol);
    if (withKey) {
      b.keyManager(Pki.keyManagers(TestPki.clientKeyStore()));
    }
    return b.build();
  }

  /** One connection between a Netty server and a Netty client; what each side saw. */
  static String pair(EventLoopGroup group, String name, SslContext serverCtx, SslContext clientCtx)
      throws Exception {
    long start = ProvidersMain.now();
    CompletableFuture<String> serverSaw = new CompletableFuture<>();
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler h = serverCtx.newHandler(ch.alloc());
                    ch.pipeline().addLast(h, new Quiet());
                    h.handshakeFuture().addListener(f -> serverSaw.complete(outcome(f.cause(), h)));
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    try {
      String clientSaw = connect(group, clientCtx, port);
      String s = serverSaw.get(20, TimeUnit.SECONDS);
      return ProvidersMain.result(name, start, port, "client=" + clientSaw + " server=" + s);
    } finally {
      server.close().sync();
    }
  }

  /**
   * Two connections of one client context to one server: the second offers the first's session.
   * BoringSSL keeps a session's creation time in whole seconds, which is how a resumed session is
   * told from a new one: the second connection starts in a later second.
   */
  static String resumed(
      EventLoopGroup group, String name, SslContext serverCtx, SslContext clientCtx)
      throws Exception {
    long start = ProvidersMain.now();
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(serverCtx.newHandler(ch.alloc()), new Quiet());
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    try {
      String first = connect(group, clientCtx, port);
      Thread.sleep(1_100);
      String second = connect(group, clientCtx, port);
      return ProvidersMain.result(name, start, port, "client=" + first + " then " + second);
    } finally {
      server.close().sync();
    }
  }

  static String connect(EventLoopGroup group, SslContext clientCtx, int port) throws Exception {
    CompletableFuture<String> saw = new CompletableFuture<>();
    Channel c =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler h = clientCtx.newHandler(ch.alloc(), "localhost", port);
                    ch.pipeline().addLast(h, new Quiet());
                    h.handshakeFuture().addListener(f -> saw.complete(outcome(f.cause(), h)));
                  }
                })
            .connect(InetAddress.getLoopbackAddress(), port)
            .sync()
            .channel();
    try {
      String s = saw.get(20, TimeUnit.SECONDS);
      // A TLS 1.3 client learns of a rejected certificate only from the server's next record.
      Thread.sleep(100);
      return s + (c.isActive() ? "" : " closed");
    } finally {
      c.close().sync();
    }
  }

  /** A peer that reads the client_hello and closes. */
  static String peerCloses(EventLoopGroup group, String name, SslContext clientCtx)
      throws Exception {
    long start = ProvidersMain.now();
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer =
          new Thread(
              () -> {
                try (Socket s = ss.accept()) {
                  InputStream in = s.getInputStream();
                  in.read(new byte[5]);
                } catch (Exception e) {
                  // the peer's own error is not the test's subject
                }
              });
      peer.start();
      String saw = connect(group, clientCtx, ss.getLocalPort());
      peer.join(10_000);
      return ProvidersMain.result(name, start, ss.getLocalPort(), "client=" + saw);
    }
  }

  /**
   * Ends the pipeline: a failed handshake's exception is the handshake future's, not a log line.
   */
  static final class Quiet extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static String outcome(Throwable cause, SslHandler h) {
    if (cause == null) {
      return "OK " + h.engine().getSession().getProtocol();
    }
    return "FAIL " + cause.getClass().getSimpleName();
  }
}
