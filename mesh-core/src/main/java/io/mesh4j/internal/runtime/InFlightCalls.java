package io.mesh4j.internal.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Mesh calls from start until their response body is closed, so that closing the client can
 * cancel them and no mesh connection outlives it, and a graceful shutdown can wait for them.
 */
public final class InFlightCalls {

  private final Set<TrackedCall> calls = ConcurrentHashMap.newKeySet();
  /** Notified when the set may have become empty, once someone waits for it. */
  private final Object emptied = new Object();
  /** Set once a shutdown waits: until then ending a call costs one volatile read more, no lock. */
  private volatile boolean awaited;

  public void add(TrackedCall call) {
    calls.add(call);
  }

  public void remove(TrackedCall call) {
    calls.remove(call);
    if (awaited) {
      signalIfEmpty();
    }
  }

  public int size() {
    return calls.size();
  }

  /**
   * Waits until no call is in flight or {@code deadlineNanos} ({@link System#nanoTime()}) passes.
   * Callers must first stop new calls from starting, or this may never see the set empty.
   *
   * @return true when no call was in flight before the deadline
   */
  boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
    synchronized (emptied) {
      // Set before reading the set: a call that ends after this read sees the flag and notifies.
      awaited = true;
      while (!calls.isEmpty()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(emptied, left);
      }
      return true;
    }
  }

  /**
   * Cancels every call and ends it at once, so modules release what they hold before they close
   * (rather than when the caller eventually closes a body).
   *
   * @return how many calls were cancelled
   */
  int cancelAll() {
    int cancelled = 0;
    for (TrackedCall call : calls) {
      call.okHttpCall().cancel();
      call.complete();
      cancelled++;
    }
    calls.clear();
    signalIfEmpty();
    return cancelled;
  }

  private void signalIfEmpty() {
    if (calls.isEmpty()) {
      synchronized (emptied) {
        emptied.notifyAll();
      }
    }
  }
}
