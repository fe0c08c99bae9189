package io.mesh4j.internal.runtime;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in order, on the threads that submit them, without holding a lock
 * while a task runs (gRPC's {@code SynchronizationContext}): a submitter drains the queue if no one
 * else is draining, otherwise its task is left for the thread that is. So code called from a task
 * (a discovery provider, a load balancer, a module's filter) may call back in from any thread
 * without ever blocking on the work in progress.
 */
final class SerialExecutor {

  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final String name;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Thread> drainer = new AtomicReference<>();

  SerialExecutor(String name) {
    this.name = name;
  }

  /** Queues the task and runs the queue now unless another thread is running it. */
  void execute(Runnable task) {
    queue.add(task);
    drain();
  }

  /**
   * Returns once the task has run, on this thread or on the one draining (whose earlier tasks run
   * first); called from inside a task, it runs the task at once (this thread already has the
   * executor to itself). A task's exception is rethrown here.
   */
  void executeAndWait(Runnable task) {
    if (drainer.get() == Thread.currentThread()) {
      task.run();
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(() -> {
      try {
        task.run();
        done.complete(null);
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    });
    drain();
    boolean interrupted = false;
    while (true) {
      try {
        done.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the task runs anyway: finish waiting, then restore the flag
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw (Error) cause;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** True when the calling thread is running this executor's tasks. */
  boolean inTask() {
    return drainer.get() == Thread.currentThread();
  }

  private void drain() {
    Thread me = Thread.currentThread();
    while (drainer.compareAndSet(null, me)) {
      try {
        Runnable next;
        while ((next = queue.poll()) != null) {
          try {
            next.run();
          } catch (RuntimeException e) {
            log.error("{}: a serialized task failed", name, e);
          }
        }
      } finally {
        drainer.set(null);
      }
      if (queue.isEmpty()) {
        return; // else a task was added after the poll and before the release: drain it too
      }
    }
  }
}
