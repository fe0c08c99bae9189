package io.mesh4j.resilience;

import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A test module that lends the test its client's scheduler, to count the timers pending on it
 * (core's scheduler drops cancelled tasks from its queue).
 */
final class SchedulerProbe implements MeshModule {

  private volatile ScheduledThreadPoolExecutor scheduler;

  @Override
  public String name() {
    return "scheduler-probe";
  }

  @Override
  public String artifactId() {
    return "scheduler-probe";
  }

  @Override
  public MeshExtension create(MeshContext context) {
    scheduler = (ScheduledThreadPoolExecutor) context.scheduler();
    return new MeshExtension() {};
  }

  /** Timers and tasks waiting on the client's scheduler now. */
  int pendingTasks() {
    return scheduler.getQueue().size();
  }
}
