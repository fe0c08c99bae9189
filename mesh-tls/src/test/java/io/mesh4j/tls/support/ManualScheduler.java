package io.mesh4j.tls.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose periodic tasks run only when the test says so ({@link #runPeriodic()}), so a
 * test can place a file change exactly between two polls of a source. One-shot tasks run as usual.
 */
public final class ManualScheduler extends ScheduledThreadPoolExecutor {

  private final List<Runnable> periodic = new CopyOnWriteArrayList<>();

  public ManualScheduler() {
    super(1);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    periodic.add(command);
    return super.schedule(() -> {}, 365, TimeUnit.DAYS); // a future to cancel; never fires in a test
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return scheduleWithFixedDelay(command, initialDelay, period, unit);
  }

  /** Runs every periodic task once, on the calling thread. */
  public void runPeriodic() {
    periodic.forEach(Runnable::run);
  }
}
