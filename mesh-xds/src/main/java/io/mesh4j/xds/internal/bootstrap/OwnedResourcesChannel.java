package io.mesh4j.xds.internal.bootstrap;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel that owns its event loop and its callback executor: once the channel has terminated
 * (after {@link #shutdown()} or {@link #shutdownNow()}), both stop, so no thread outlives it. gRPC
 * never shuts down an executor or event loop group it was given, hence this wrapper.
 */
final class OwnedResourcesChannel extends ManagedChannel {

  private static final Logger log = LoggerFactory.getLogger(OwnedResourcesChannel.class);

  /** How long a graceful shutdown waits for the channel's calls before the threads are stopped anyway. */
  private static final long RELEASE_WAIT_SECONDS = 30;

  private final ManagedChannel delegate;
  private final EventLoopGroup eventLoop;
  private final TrackingExecutor tracked;
  private final ExecutorService executor;
  private final AtomicBoolean releasing = new AtomicBoolean();

  OwnedResourcesChannel(ManagedChannel delegate, EventLoopGroup eventLoop, TrackingExecutor executor) {
    this.delegate = delegate;
    this.eventLoop = eventLoop;
    this.tracked = executor;
    this.executor = executor.pool();
  }

  /**
   * The channel's callback pool, which knows its own threads: a callback (say, the ADS client's
   * stream observer closing the client) may await the channel's termination, which can never include
   * the pool's, since the pool ends only after that callback returns.
   */
  static final class TrackingExecutor {
    private final Set<Thread> members = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;

    TrackingExecutor(ThreadFactory threads) {
      this.pool = Executors.newCachedThreadPool(task -> threads.newThread(() -> {
        Thread self = Thread.currentThread();
        members.add(self);
        try {
          task.run();
        } finally {
          members.remove(self);
        }
      }));
    }

    ExecutorService pool() {
      return pool;
    }

    boolean isCurrentThreadMember() {
      return members.contains(Thread.currentThread());
    }
  }

  @Override
  public ManagedChannel shutdown() {
    delegate.shutdown();
    releaseWhenTerminated();
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    delegate.shutdownNow();
    releaseWhenTerminated();
    return this;
  }

  /**
   * Waits on one of the executor's own threads for the channel to terminate, then stops the event
   * loop and the executor; that thread is the executor's last and ends with its task.
   */
  private void releaseWhenTerminated() {
    if (!releasing.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          if (!delegate.awaitTermination(RELEASE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            log.warn("xDS channel still busy {}s after shutdown: stopping it and its threads", RELEASE_WAIT_SECONDS);
            delegate.shutdownNow();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          release();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      release();
    }
  }

  private void release() {
    eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    executor.shutdown();
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated() && eventLoop.isTerminated() && executor.isTerminated();
  }

  /**
   * Waits for the channel, its event loop and its executor. Called on one of the channel's own
   * threads, it waits only for what can end meanwhile: never for the executor (on an executor
   * thread: the pool ends after this task) nor for the event loop (on its own thread), which would
   * just use up the whole timeout.
   */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    boolean onExecutor = tracked.isCurrentThreadMember();
    boolean onEventLoop = isCurrentThreadInEventLoop();
    if (!delegate.awaitTermination(timeout, unit)) {
      return false;
    }
    if (!onEventLoop
        && !eventLoop.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return false;
    }
    if (onExecutor || onEventLoop) {
      return true;
    }
    return executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private boolean isCurrentThreadInEventLoop() {
    for (EventExecutor e : eventLoop) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return delegate.getState(requestConnection);
  }

  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    delegate.notifyWhenStateChanged(source, callback);
  }

  @Override
  public void resetConnectBackoff() {
    delegate.resetConnectBackoff();
  }

  @Override
  public void enterIdle() {
    delegate.enterIdle();
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return delegate.newCall(method, options);
  }

  @Override
  public String authority() {
    return delegate.authority();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
