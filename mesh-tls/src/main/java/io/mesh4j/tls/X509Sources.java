package io.mesh4j.tls;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.DevCaSource;
import io.mesh4j.tls.internal.FilesSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts the built-in {@link X509Source}s outside a {@code MeshClient} (a MeshClient starts them
 * from {@code mesh.tls.source}). Each is ready when returned; the caller closes it. The scheduler
 * is borrowed, not shut down.
 */
public final class X509Sources {

  private X509Sources() {}

  /**
   * The embedded development CA in {@code caDir}, issuing {@code id} SVIDs that live {@code ttl}
   * and are re-issued at half-life. For development on one host only.
   */
  public static X509Source devCa(
      Path caDir, SpiffeId id, Duration ttl, ScheduledExecutorService scheduler, MeshClock clock) {
    return DevCaSource.start(caDir, id, ttl, scheduler, clock);
  }

  /**
   * PEM files written by another tool, re-read every {@code pollInterval}; a bad update is
   * rejected (logged, naming the file) and the last good SVID stays.
   *
   * @throws IllegalArgumentException when the files cannot be loaded now, naming the file
   */
  public static X509Source files(
      Path certChain, Path privateKey, Path bundle, TrustDomain trustDomain, Duration pollInterval,
      ScheduledExecutorService scheduler, MeshClock clock) {
    return FilesSource.start(certChain, privateKey, bundle, trustDomain, pollInterval, scheduler, clock);
  }

  /**
   * The SPIFFE Workload API at {@code socket} ({@code unix:/path}), through java-spiffe, which
   * must be on the class path (io.spiffe:java-spiffe-core).
   */
  public static X509Source workloadApi(String socket, Duration initTimeout, MeshClock clock) {
    return io.mesh4j.tls.internal.WorkloadApiSources.start(socket, initTimeout, clock);
  }
}
