package io.mesh4j.internal.okhttp;

/** How a request's host is matched against service names: case (OkHttp lowers it) and a trailing dot. */
final class MeshNames {

  private MeshNames() {}

  /** {@code orders.} and {@code orders} name the same service: a fully-qualified form must not bypass the mesh. */
  static String serviceName(String host) {
    int last = host.length() - 1;
    return last > 0 && host.charAt(last) == '.' ? host.substring(0, last) : host;
  }
}
