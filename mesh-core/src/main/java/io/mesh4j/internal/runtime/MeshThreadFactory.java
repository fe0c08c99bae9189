package io.mesh4j.internal.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code mesh4j-<purpose>-N}, so leak checks and thread dumps can find them. */
public final class MeshThreadFactory implements ThreadFactory {

  public static final String PREFIX = "mesh4j-";

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);
  private final Set<Thread> started = ConcurrentHashMap.newKeySet();

  public MeshThreadFactory(String purpose) {
    this.prefix = PREFIX + purpose + "-";
  }

  @Override
  public Thread newThread(Runnable task) {
    started.removeIf(old -> !old.isAlive());
    Thread t = new Thread(task, prefix + next.getAndIncrement());
    t.setDaemon(true);
    started.add(t);
    return t;
  }

  /**
   * Waits up to {@code millis} for every thread this factory started (but the caller) to end. An
   * executor reports termination when its last task has ended, a moment before its threads have: a
   * close() that promises no thread outlives it joins them too.
   */
  public void awaitExit(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Thread t : started) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (t != Thread.currentThread() && left > 0) {
        t.join(left);
      }
    }
  }
}
