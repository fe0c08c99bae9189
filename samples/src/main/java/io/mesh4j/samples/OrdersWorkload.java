package io.mesh4j.samples;

import io.mesh4j.MeshClient;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demos' "orders" workload: it links mesh4j to serve with its own SVID
 * ({@code spiffe://mesh.local/orders}) from a dev CA in a temporary directory, and accepts only
 * the frontend as caller. The frontend's mesh uses the same CA directory, as processes on one host
 * would.
 */
final class OrdersWorkload implements AutoCloseable {

  static final String FRONTEND = "spiffe://mesh.local/frontend";

  private final Path dir;
  private final MeshClient mesh;
  private final MeshTlsServer server;

  private OrdersWorkload(Path dir, MeshClient mesh, MeshTlsServer server) {
    this.dir = dir;
    this.mesh = mesh;
    this.server = server;
  }

  static OrdersWorkload start() throws IOException {
    Path dir = Files.createTempDirectory("mesh4j-demo");
    MeshClient mesh =
        MeshClient.builder().service("orders").property("mesh.tls.dev-ca.dir", caDir(dir).toString()).build();
    MeshTlsServer server =
        mesh.extension(MeshTlsExtension.class)
            .orElseThrow()
            .server(CallerPolicy.allow(SpiffeId.parse(FRONTEND)));
    return new OrdersWorkload(dir, mesh, server);
  }

  private static Path caDir(Path dir) {
    return dir.resolve("ca");
  }

  /** Where the dev CA lives: the frontend's {@code mesh.tls.dev-ca.dir}. */
  Path caDir() {
    return caDir(dir);
  }

  /** A scratch directory for the demo's files, deleted on close. */
  Path dir() {
    return dir;
  }

  /** Serves mTLS with the orders SVID, callers limited to the frontend. */
  MeshTlsServer tlsServer() {
    return server;
  }

  @Override
  public void close() throws IOException {
    mesh.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
