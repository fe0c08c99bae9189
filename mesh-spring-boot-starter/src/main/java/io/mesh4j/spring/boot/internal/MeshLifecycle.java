package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the mesh when the context closes, after the web server: its graceful shutdown ({@code
 * DEFAULT_PHASE - 1024}) and its stop ({@code DEFAULT_PHASE - 2048}) come first, so requests the
 * server is still finishing can call downstream services through the mesh. In-flight mesh calls
 * then get {@code grace} to finish; new ones fail with {@code MeshClosedException}.
 */
public final class MeshLifecycle implements SmartLifecycle {

  /** Lower phases stop later: after the web server's graceful shutdown and stop phases. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(MeshLifecycle.class);

  private final MeshClient mesh;
  private final Duration grace;
  private volatile boolean running;

  public MeshLifecycle(MeshClient mesh, Duration grace) {
    this.mesh = mesh;
    this.grace = grace;
  }

  @Override
  public void start() {
    running = !mesh.isClosed();
  }

  @Override
  public void stop() {
    running = false;
    if (mesh.isClosed()) {
      return;
    }
    boolean drained = mesh.shutdown(grace); // new mesh calls fail at once; in-flight ones get the grace
    if (!drained) {
      log.warn("mesh4j: in-flight mesh calls still running after the {} shutdown grace were cancelled", grace);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  public Duration grace() {
    return grace;
  }
}
