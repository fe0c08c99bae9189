package io.mesh4j.resilience.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service's bulkhead: resilience4j's semaphore bulkhead, whose limit follows configuration
 * changes while requests keep the slots they hold. A higher limit or another max-wait goes through
 * resilience4j's {@code changeConfig}. A lower limit does not: {@code changeConfig} takes the
 * slots it removes with a blocking acquire, which would hold the configuration change (and the
 * client's close, which waits for it) until enough requests in flight finish. Instead the free
 * slots are taken out at once and the rest are kept back as the requests holding them finish.
 */
final class ServiceBulkhead {

  // Its maxConcurrentCalls is the capacity: limit = capacity - withheld - owed.
  private final Bulkhead bulkhead;
  /** Permits out of circulation: free slots taken out, and releases kept back, to lower the limit. */
  private final AtomicInteger withheld = new AtomicInteger();
  /** Releases still to keep back: slots of a lowered limit that requests still hold. */
  private final AtomicInteger owed = new AtomicInteger();
  private volatile int limit;
  /** {@link #release}, made once: a request hands it to {@code MeshCall.whenComplete}. */
  private final Runnable releaser = this::release;

  ServiceBulkhead(String service, int limit, Duration maxWait) {
    this.bulkhead = Bulkhead.of(service, config(limit, maxWait));
    this.limit = limit;
  }

  int limit() {
    return limit;
  }

  /** Takes a slot, waiting up to {@code max-wait} on the caller's thread; false when none came free. */
  boolean tryAcquire() {
    return bulkhead.tryAcquirePermission();
  }

  /** What releases a slot when a request is done: {@link #release}, without a lambda per request. */
  Runnable releaser() {
    return releaser;
  }

  /** A request is done with its slot. */
  void release() {
    if (owed.get() > 0 && owed.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      withheld.incrementAndGet(); // kept back: the limit was lowered while this request held it
      return;
    }
    bulkhead.onComplete();
  }

  /** Follows a changed {@code max-concurrent-requests} or {@code max-wait}; never blocks. */
  synchronized void resize(int newLimit, Duration maxWait) {
    if (newLimit > limit) {
      int more = newLimit - limit;
      more -= forgive(more);
      int back = Math.min(more, withheld.get()); // only this method lowers it
      withheld.addAndGet(-back);
      more -= back;
      for (int i = 0; i < back; i++) {
        bulkhead.releasePermission();
      }
      if (more > 0) {
        bulkhead.changeConfig(config(capacity() + more, maxWait)); // raising only releases permits
      }
    } else if (newLimit < limit) {
      int fewer = limit - newLimit;
      // Take free slots without waiting for one (the max-wait is back right after).
      if (!currentWait().isZero()) {
        bulkhead.changeConfig(config(capacity(), Duration.ZERO));
      }
      while (fewer > 0 && bulkhead.tryAcquirePermission()) {
        withheld.incrementAndGet();
        fewer--;
      }
      owed.addAndGet(fewer);
    }
    if (!currentWait().equals(maxWait)) {
      bulkhead.changeConfig(config(capacity(), maxWait));
    }
    limit = newLimit;
  }

  /** Cancels up to {@code n} owed slots; returns how many. */
  private int forgive(int n) {
    while (true) {
      int o = owed.get();
      int k = Math.min(o, n);
      if (k == 0 || owed.compareAndSet(o, o - k)) {
        return k;
      }
    }
  }

  private int capacity() {
    return bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
  }

  private Duration currentWait() {
    return bulkhead.getBulkheadConfig().getMaxWaitDuration();
  }

  private static BulkheadConfig config(int maxConcurrent, Duration maxWait) {
    return BulkheadConfig.custom().maxConcurrentCalls(maxConcurrent).maxWaitDuration(maxWait).build();
  }
}
