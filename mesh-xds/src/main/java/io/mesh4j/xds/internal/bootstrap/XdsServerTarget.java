package io.mesh4j.xds.internal.bootstrap;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the xDS server listens, from a bootstrap's {@code server_uri} or {@code mesh.xds.server}:
 * a TCP target that gRPC resolves ({@code host:port}, {@code dns:///host:port}) or a unix domain
 * socket ({@code unix:///path}, as istio-agent serves xDS to proxyless workloads).
 */
public sealed interface XdsServerTarget {

  /** How the target reads in messages. */
  String describe();

  /**
   * A TCP server.
   *
   * @param grpcTarget the target as gRPC's name resolvers take it ({@code dns:///host:port} or {@code host:port})
   */
  record Tcp(String grpcTarget) implements XdsServerTarget {
    @Override
    public String describe() {
      return grpcTarget;
    }
  }

  /** A unix domain socket at an absolute, normalized path. */
  record Unix(Path path) implements XdsServerTarget {
    @Override
    public String describe() {
      return "unix://" + path;
    }
  }

  /**
   * Parses a server URI as gRPC does for xDS servers: {@code unix:///abs/path}, {@code
   * unix:/abs/path}, {@code unix:rel/path} (relative to the working directory), {@code
   * dns:///host:port} (no DNS server in the authority: gRPC-java would ignore it) or {@code
   * host:port} (which gRPC resolves with DNS). A port is required on TCP
   * targets: an xDS server has no conventional port to fall back to.
   *
   * @throws IllegalArgumentException saying what is wrong and what was expected
   */
  static XdsServerTarget parse(String raw) {
    String uri = raw == null ? "" : raw.trim();
    if (uri.isEmpty()) {
      throw new IllegalArgumentException("empty server URI (expected host:port, dns:///host:port or unix:///path)");
    }
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("unix-abstract:")) {
      throw new IllegalArgumentException(
          "abstract unix sockets (unix-abstract:) are not supported: use a socket file, unix:///path");
    }
    if (lower.startsWith("unix:")) {
      return unix(uri, uri.substring("unix:".length()));
    }
    if (lower.startsWith("dns:")) {
      String rest = uri.substring("dns:".length());
      // dns:///host:port only; gRPC's dns resolver refuses dns:host:port
      if (!rest.startsWith("//") || rest.indexOf('/', 2) < 0) {
        throw new IllegalArgumentException("'" + uri + "' is not a dns target (expected dns:///host:port)");
      }
      if (rest.indexOf('/', 2) != 2) {
        // gRPC-java's resolver ignores a DNS server named in the authority: refuse rather than not use it
        throw new IllegalArgumentException("'" + uri + "' names a DNS server (" + rest.substring(2, rest.indexOf('/', 2))
            + "), which is not supported (gRPC-java would ignore it and ask the system's resolver): write"
            + " dns:///host:port");
      }
      String hostPort = rest.substring(3);
      requireHostAndPort(uri, hostPort);
      return new Tcp(uri);
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      throw new IllegalArgumentException("unsupported scheme '" + uri.substring(0, scheme)
          + "' in '" + uri + "' (expected host:port, dns:///host:port or unix:///path)");
    }
    requireHostAndPort(uri, uri);
    return new Tcp(uri);
  }

  private static XdsServerTarget unix(String uri, String rest) {
    String path;
    if (rest.startsWith("//")) {
      // unix://<authority>/path: only an empty authority is meaningful for a local socket
      int slash = rest.indexOf('/', 2);
      if (slash != 2) {
        throw new IllegalArgumentException("'" + uri + "' has an authority; a unix socket URI is unix:///absolute/path"
            + " or unix:relative/path");
      }
      path = rest.substring(2);
    } else {
      path = rest;
    }
    if (path.isEmpty() || path.equals("/")) {
      throw new IllegalArgumentException("'" + uri + "' names no socket file (expected unix:///path/to/socket)");
    }
    try {
      return new Unix(Path.of(path).toAbsolutePath().normalize());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + uri + "' is not a valid socket path: " + e.getReason(), e);
    }
  }

  private static void requireHostAndPort(String uri, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    boolean bracketed = hostPort.startsWith("[");
    if (colon < 0 || (bracketed && colon < hostPort.indexOf(']'))) {
      throw new IllegalArgumentException("'" + uri + "' has no port (expected host:port, such as istiod.istio-system.svc:15010)");
    }
    String host = hostPort.substring(0, colon);
    String port = hostPort.substring(colon + 1);
    if (host.isEmpty() || host.contains("/")) {
      throw new IllegalArgumentException("'" + uri + "' has no valid host (expected host:port or dns:///host:port)");
    }
    int value;
    try {
      value = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + uri + "' has a bad port '" + port + "' (expected 1 to 65535)");
    }
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException("'" + uri + "' has a bad port '" + port + "' (expected 1 to 65535)");
    }
  }
}
