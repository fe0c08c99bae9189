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
    if (bootstrap.target() instanceof XdsServerTarget.Unix && !Epoll.isAvailable()) {
      throw new MeshException("xDS server " + bootstrap.serverUri() + " (" + bootstrap.origin()
          + "): unix domain sockets need Linux with netty's epoll transport, which is not available here: "
          + Epoll.unavailabilityCause());
    }
    EventLoopGroup eventLoop = null;
    OwnedResourcesChannel.TrackingExecutor executor = null;
    try {
      NettyChannelBuilder builder;
      // the builder first: it parses the tls files (a bad key throws here), before any thread exists
      if (bootstrap.target() instanceof XdsServerTarget.Unix unix) {
        builder = NettyChannelBuilder.forAddress(new DomainSocketAddress(unix.path().toString()), credentials)
            .channelType(EpollDomainSocketChannel.class)
            // a socket has no host name; istio-agent does not look at :authority
            .overrideAuthority("localhost");
      } else {
        XdsServerTarget.Tcp tcp = (XdsServerTarget.Tcp) bootstrap.target();
        builder = NettyChannelBuilder.forTarget(tcp.grpcTarget(), credentials).channelType(NioSocketChannel.class);
      }
      eventLoop = new MultiThreadIoEventLoopGroup(1, threads,
          bootstrap.target() instanceof XdsServerTarget.Unix ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
      executor = new OwnedResourcesChannel.TrackingExecutor(threads);
      ManagedChannel channel = builder
          .eventLoopGroup(eventLoop)
          .executor(executor.pool())
          // DNS lookups block: on our threads, not gRPC's shared pool (which would outlive close)
          .offloadExecutor(executor.pool())
          .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
          .userAgent(XdsBootstrapLoader.USER_AGENT_NAME + "/" + XdsBootstrapLoader.version())
          .build();
      return new OwnedResourcesChannel(channel, eventLoop, executor);
    } catch (RuntimeException e) {
      if (eventLoop != null) {
        eventLoop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      }
      if (executor != null) {
        executor.pool().shutdownNow();
      }
      throw new MeshException("xDS server " + bootstrap.serverUri() + " (" + bootstrap.origin()
          + "): cannot open a channel" + describeFiles(bootstrap) + ": " + e.getMessage(), e);
    }
  }

  /** For errors: which bootstrap field's files the channel was built with, if any. */
  private static String describeFiles(XdsBootstrap bootstrap) {
    CertificateProviderConfig files = bootstrap.tlsCredentials();
    if (!XdsBootstrap.TLS.equals(bootstrap.channelCredentials()) || files == null) {
      return "";
    }
    return " with the tls files of " + files.instanceName() + " (certificate_file=" + files.certificateFile()
        + ", private_key_file=" + files.privateKeyFile() + ", ca_certificate_file=" + files.caCertificateFile() + ")";
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
          + "): cannot read the tls channel_creds files of " + files.instanceName() + " (certificate_file="
          + files.certificateFile() + ", private_key_file=" + files.privateKeyFile() + ", ca_certificate_file="
          + files.caCertificateFile() + "): " + e.getMessage(), e);
    }
    return tls.build();
  }
}
