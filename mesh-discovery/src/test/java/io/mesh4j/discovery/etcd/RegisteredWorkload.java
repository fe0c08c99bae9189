package io.mesh4j.discovery.etcd;

import io.mesh4j.MeshClient;
import java.util.Map;

/**
 * A workload in a JVM of its own that registers itself in etcd and runs until it is killed:
 * {@code RegisteredWorkload <etcd endpoints> <prefix> <service> <host:port> <lease-ttl>}.
 */
public final class RegisteredWorkload {

  private RegisteredWorkload() {}

  public static void main(String[] args) throws InterruptedException {
    MeshClient mesh = Meshes.start(args[2], Map.of(
        "mesh.discovery.etcd.endpoints", args[0],
        "mesh.discovery.etcd.prefix", args[1],
        "mesh.register.enabled", "true",
        "mesh.register.address", args[3],
        "mesh.discovery.etcd.lease-ttl", args[4]));
    Runtime.getRuntime().addShutdownHook(new Thread(mesh::close)); // a SIGTERM deregisters; a SIGKILL cannot
    Thread.currentThread().join(); // until killed
  }
}
