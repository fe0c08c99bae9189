package io.mesh4j.spi;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.time.MeshClock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** What a {@link io.mesh4j.MeshClient} lends to the modules it starts. */
public interface MeshContext {

  MeshConfig config();

  MeshClock clock();

  /**
   * The client's shared scheduler for short timer tasks (rotation, polling, timeouts). Tasks must
   * not block; it is shut down by {@link io.mesh4j.MeshClient#close()}. Do not shut it down.
   */
  ScheduledExecutorService scheduler();

  /**
   * A factory for threads a module needs of its own (a blocking watch, a server loop): daemon
   * threads named {@code mesh4j-<purpose>-N}. The module still stops them in its close().
   */
  ThreadFactory threadFactory(String purpose);
}
