package io.mesh4j.tls.internal;

import io.mesh4j.MeshException;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.X509Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts the {@code workload-api} source after checking what can be checked without java-spiffe:
 * that java-spiffe is on the class path (it is an optional dependency) and that the socket exists.
 * Kept apart from {@link WorkloadApiSource} so that the JVM never loads java-spiffe's classes when
 * they are absent.
 */
public final class WorkloadApiSources {

  static final String CLIENT_CLASS = "io.spiffe.workloadapi.DefaultWorkloadApiClient";

  private WorkloadApiSources() {}

  public static X509Source start(String socket, Duration initTimeout, MeshClock clock) {
    requireJavaSpiffe(WorkloadApiSources.class.getClassLoader());
    String address = normalize(socket);
    Path path = Path.of(address.substring("unix:".length()));
    if (!Files.exists(path)) {
      throw new MeshException(
          "workload-api source: the SPIFFE Workload API socket " + path + " does not exist "
              + "(mesh.tls.workload-api.socket / SPIFFE_ENDPOINT_SOCKET); is the SPIRE agent running?");
    }
    return WorkloadApiSource.start(address, initTimeout, clock);
  }

  /** Accepts {@code unix:/path}, {@code unix:///path} or a bare absolute path. */
  static String normalize(String socket) {
    if (socket == null || socket.isBlank()) {
      throw new MeshException(
          "workload-api source: no socket configured (set mesh.tls.workload-api.socket or SPIFFE_ENDPOINT_SOCKET)");
    }
    String s = socket.trim();
    if (s.startsWith("unix://")) {
      s = "unix:" + s.substring("unix://".length());
    } else if (s.startsWith("/")) {
      s = "unix:" + s;
    }
    if (!s.startsWith("unix:/")) {
      throw new MeshException("workload-api source: socket '" + socket + "' is not a unix socket path (expected unix:/path)");
    }
    return s;
  }

  static void requireJavaSpiffe(ClassLoader loader) {
    try {
      Class.forName(CLIENT_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new MeshException(
          "mesh.tls.source=workload-api needs java-spiffe on the class path: add the dependency "
              + "io.spiffe:java-spiffe-core:0.8.17 (and io.spiffe:grpc-netty-linux or grpc-netty-macos-aarch64 "
              + "for the Unix socket transport)");
    }
  }
}
