package io.mesh4j.benchmarks.startup;

import io.mesh4j.MeshClient;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM launched by {@link StartupBenchmark}: times one {@code
 * MeshClient.fromProperties} and prints it as {@code startup-nanos=<n>} on stdout, then closes the
 * client. Depends on nothing but {@code MeshClient}, so that the same class runs against the
 * modules of any commit (the "before" variant).
 */
public final class StartupProbe {

  private StartupProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long t0 = System.nanoTime();
    MeshClient mesh = MeshClient.fromProperties(file);
    long t1 = System.nanoTime();
    mesh.close();
    long t2 = System.nanoTime();
    // stdout is the harness's channel; the mesh logs to stderr (slf4j-simple)
    System.out.println("startup-nanos=" + (t1 - t0));
    System.out.println("close-nanos=" + (t2 - t1));
  }
}
