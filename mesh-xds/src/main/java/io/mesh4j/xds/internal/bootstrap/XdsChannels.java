package io.mesh4j.xds.internal.bootstrap;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.mesh4j.MeshException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Opens the gRPC channel to a bootstrap's xDS server: TCP ({@code host:port}, {@code
 * dns:///host:port}) on a NIO event loop, or a unix domain socket ({@code unix:///path}, Linux epoll)
 * as istio-agent serves it. Every thread the channel uses comes from the given factory and stops
 * once the channel has been shut down and has terminated.
 */
public final class XdsChannels {

  /**
   * gRPC's default of 4 MiB is below what istiod sends a proxyless client of a large mesh in one
   * CDS or EDS response; a bigger bound costs nothing until such a response comes.
   */
  static final int MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  private XdsChannels() {}

  /**
   * @param threads makes the channel's event loop and callback threads (the mesh's {@code
   *     mesh4j-xds-N} daemon threads)
   * @throws MeshException when the credentials' files cannot be read or unix sockets are not available
   */
  public static ManagedChannel open(XdsBootstrap bootstrap, ThreadFactory threads) {
    ChannelCredentials credentials = credentials(bootstrap);
    NettyChannelBuilder builder;
    EventLoopGroup eventLoop;
    if (bootstrap.target() instanceof XdsServerTarget.Unix unix) {
      if (!Epoll.isAvailable()) {
        throw new MeshException("xDS server " + bootstrap.serverUri() + " (" + bootstrap.origin()
            + "): unix domain sockets need Linux with netty's epoll transport, which is not available here: "
            + Epoll.unavailabilityCause());
      }
      eventLoop = new MultiThreadIoEventLoopGroup(1, threads, EpollIoHandler.newFactory());
      builder = NettyChannelBuilder.forAddress(new DomainSocketAddress(unix.path().toString()), credentials)
          .channelType(EpollDomainSocketChannel.class)
          // a socket has no host name; istio-agent does not look at :authority
          .overrideAuthority("localhost");
    } else {
      XdsServerTarget.Tcp tcp = (XdsServerTarget.Tcp) bootstrap.target();
      eventLoop = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
      builder = NettyChannelBuilder.forTarget(tcp.grpcTarget(), credentials).channelType(NioSocketChannel.class);
    }
    ExecutorService executor = Executors.newCachedThreadPool(threads);
    try {
      ManagedChannel channel = builder
          .eventLoopGroup(eventLoop)
          .executor(executor)
          // DNS lookups block: on our threads, not gRPC's shared pool (which would outlive close)
          .offloadExecutor(executor)
          .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
          .userAgent(XdsBootstrapLoader.USER_AGENT_NAME + "/" + XdsBootstrapLoader.version())
          .build();
      return new OwnedResourcesChannel(channel, eventLoop, executor);
    } catch (RuntimeException e) {
      eventLoop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      executor.shutdownNow();
      throw new MeshException("xDS server " + bootstrap.serverUri() + " (" + bootstrap.origin()
          + "): cannot open a channel: " + e.getMessage(), e);
    }
  }

  static ChannelCredentials credentials(XdsBootstrap bootstrap) {
    if (XdsBootstrap.INSECURE.equals(bootstrap.channelCredentials())) {
      return InsecureChannelCredentials.create();
    }
    if (!XdsBootstrap.TLS.equals(bootstrap.channelCredentials())) {
      throw new MeshException("xDS server " + bootstrap.serverUri() + " (" + bootstrap.origin()
          + "): channel credentials '" + bootstrap.channelCredentials() + "' are not supported (insecure or tls)");
    }
    CertificateProviderConfig files = bootstrap.tlsCredentials();
    if (files == null) {
      return TlsChannelCredentials.create(); // the JDK's trust store, no client certificate
    }
    // gRPC A65 re-reads these files every refresh_interval; mesh4j reads them once, when the channel opens
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    try {
      if (files.caCertificateFile() != null) {
        tls.trustManager(files.caCertificateFile().toFile());
      }
      if (files.hasIdentity()) {
        tls.keyManager(files.certificateFile().toFile(), files.privateKeyFile().toFile());
      }
    } catch (IOException | RuntimeException e) {
      throw new MeshException("xDS server " + bootstrap.serverUri() + " (" + bootstrap.origin()
          + "): cannot read the tls channel_creds files (" + files.certificateFile() + ", " + files.privateKeyFile()
          + ", " + files.caCertificateFile() + "): " + e.getMessage(), e);
    }
    return tls.build();
  }
}
