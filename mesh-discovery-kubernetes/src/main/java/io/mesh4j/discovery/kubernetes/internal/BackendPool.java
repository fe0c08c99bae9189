package io.mesh4j.discovery.kubernetes.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A pool of the backend's own threads for fabric8 and its HttpClient. fabric8 finishes closing a
 * watch asynchronously (the close frame is sent when the watch's opening completes), on the
 * client's executor: after {@link #close} such late tasks run on the JVM's common pool instead of
 * being rejected, so that the backend's threads stop at once and the watches still close
 * properly instead of lingering open until the HttpClient is garbage collected.
 */
final class BackendPool implements Executor {

  private final ThreadPoolExecutor pool;
  private volatile boolean closed;

  BackendPool(ThreadFactory threads) {
    // like fabric8's own pools: grows with what is asked, idle threads end after 30s
    this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
  }

  @Override
  public void execute(Runnable task) {
    if (!closed) {
      try {
        pool.execute(task);
        return;
      } catch (RejectedExecutionException closing) {
        // closed meanwhile
      }
    }
    ForkJoinPool.commonPool().execute(task);
  }

  /** Stops taking tasks; the threads end when what they run ends. */
  void close() {
    closed = true;
    pool.shutdown();
  }

  /** Waits up to the deadline for the threads to end, then interrupts what is left. */
  void awaitTermination(long deadlineNanos) {
    try {
      pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
  }
}
