package io.mesh4j.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mesh calls from start until their response body is closed, so that closing the client can
 * cancel them and no mesh connection outlives it, and a graceful shutdown can wait for them.
 *
 * <p>Every request is added and removed once, so this is on the request path: calls are linked
 * through their own fields into one of a few lists, each with its own lock, chosen by the adding
 * thread (threads seldom share one). Adding or removing allocates nothing and takes an uncontended
 * lock; a concurrent set cost an entry and a hash per call, and a shared counter update.
 */
public final class InFlightCalls {

  private static final int STRIPES = stripes();

  private final Stripe[] stripes = new Stripe[STRIPES];
  /** Notified when the calls may have become none, once someone waits for it. */
  private final Object emptied = new Object();
  /** Set once a shutdown waits: until then ending a call costs one volatile read more, no lock. */
  private volatile boolean awaited;

  /** One list of calls in flight, a doubly linked one through the calls; guarded by itself. */
  static final class Stripe {
    private TrackedCall head;
    private int size;
  }

  public InFlightCalls() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  private static int stripes() {
    int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) * 2;
    return Math.min(64, Math.max(2, n));
  }

  /** Adds a call not in flight (each call is added once). */
  public void add(TrackedCall call) {
    Stripe s = stripes[(int) Thread.currentThread().getId() & (STRIPES - 1)];
    synchronized (s) {
      TrackedCall head = s.head;
      call.next = head;
      call.previous = null;
      if (head != null) {
        head.previous = call;
      }
      s.head = call;
      s.size++;
      call.stripe = s;
    }
  }

  /** Removes a call; nothing when it is not in flight (any more). */
  public void remove(TrackedCall call) {
    Stripe s = call.stripe;
    if (s == null) {
      return;
    }
    synchronized (s) {
      if (call.stripe != s) {
        return; // removed meanwhile (cancelAll)
      }
      unlink(s, call);
    }
    if (awaited) {
      signalIfEmpty();
    }
  }

  private static void unlink(Stripe s, TrackedCall call) {
    TrackedCall previous = call.previous;
    TrackedCall next = call.next;
    if (previous == null) {
      s.head = next;
    } else {
      previous.next = next;
    }
    if (next != null) {
      next.previous = previous;
    }
    call.previous = null;
    call.next = null;
    call.stripe = null;
    s.size--;
  }

  public int size() {
    int size = 0;
    for (Stripe s : stripes) {
      synchronized (s) {
        size += s.size;
      }
    }
    return size;
  }

  /**
   * Waits until no call is in flight or {@code deadlineNanos} ({@link System#nanoTime()}) passes.
   * Callers must first stop new calls from starting, or this may never see the set empty.
   *
   * @return true when no call was in flight before the deadline
   */
  boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
    synchronized (emptied) {
      // Set before reading the calls: a call that ends after this read sees the flag and notifies.
      awaited = true;
      while (size() > 0) {
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
    List<TrackedCall> calls = new ArrayList<>();
    for (Stripe s : stripes) {
      synchronized (s) {
        while (s.head != null) {
          TrackedCall call = s.head;
          unlink(s, call);
          calls.add(call);
        }
      }
    }
    // outside the locks: ending a call runs the modules' completion actions
    for (TrackedCall call : calls) {
      call.okHttpCall().cancel();
      call.complete();
    }
    signalIfEmpty();
    return calls.size();
  }

  private void signalIfEmpty() {
    if (size() == 0) {
      synchronized (emptied) {
        emptied.notifyAll();
      }
    }
  }
}
