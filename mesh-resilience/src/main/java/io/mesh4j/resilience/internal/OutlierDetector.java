package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.resilience.ResilienceEvent;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passive outlier detection of one service (Envoy's consecutive-5xx): attempts report their
 * outcome per endpoint; {@code consecutive-failures} in a row eject it for {@code
 * base-ejection-time} × times ejected (at most {@code max-ejection-time}), never more than {@code
 * max-ejection-percent} of the endpoints at once. A timer on the mesh scheduler re-admits it; both
 * changes ask the mesh to re-run the endpoint filters.
 */
final class OutlierDetector {

  /** Per-endpoint counters; ejection fields guarded by the detector. */
  private static final class EndpointStats {
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    int timesEjected;
    long ejectedUntil; // mesh clock nanos; meaningful while ejected
    long lastReadmitted;
    volatile boolean ejected; // read by the endpoint filter without the lock
  }

  private final String service;
  private final int threshold;
  private final Duration baseEjection;
  private final Duration maxEjection;
  private final int maxEjectionPercent;
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;
  private final Runnable refresh;
  private final EventDispatcher events;
  private final Map<Endpoint, EndpointStats> stats = new ConcurrentHashMap<>();
  private volatile int endpointCount;

  OutlierDetector(
      ServiceConfig config,
      MeshClock clock,
      ScheduledExecutorService scheduler,
      Runnable refresh,
      EventDispatcher events) {
    this.service = config.name();
    this.threshold = config.get(ResilienceKeys.OUTLIER_CONSECUTIVE_FAILURES);
    this.baseEjection = config.get(ResilienceKeys.OUTLIER_BASE_EJECTION_TIME);
    this.maxEjection = config.get(ResilienceKeys.OUTLIER_MAX_EJECTION_TIME);
    this.maxEjectionPercent = config.get(ResilienceKeys.OUTLIER_MAX_EJECTION_PERCENT);
    this.clock = clock;
    this.scheduler = scheduler;
    this.refresh = refresh;
    this.events = events;
  }

  /** The endpoints discovery reports now: stats of vanished ones are dropped. */
  void track(List<Endpoint> discovered) {
    endpointCount = discovered.size();
    stats.keySet().retainAll(new HashSet<>(discovered));
  }

  /** An attempt on {@code endpoint} ended; {@code success} false for 5xx, connect failure, reset, timeout. */
  void record(Endpoint endpoint, boolean success) {
    EndpointStats s = stats.computeIfAbsent(endpoint, e -> new EndpointStats());
    if (success) {
      s.consecutiveFailures.set(0);
    } else if (s.ejected) {
      // attempts already in flight or sent in panic mode: the ejection has counted them already
    } else if (s.consecutiveFailures.incrementAndGet() >= threshold) {
      tryEject(endpoint, s);
    }
  }

  private void tryEject(Endpoint endpoint, EndpointStats s) {
    Duration ejection;
    synchronized (this) {
      if (s.ejected || stats.get(endpoint) != s || !roomForOneMore()) {
        return;
      }
      long now = clock.nanoTime();
      if (s.timesEjected > 0 && now - s.lastReadmitted > maxEjection.toNanos()) {
        s.timesEjected = 0; // healthy for long enough: start from the base time again
      }
      s.timesEjected++;
      ejection = ejectionTime(s.timesEjected);
      s.ejected = true;
      s.ejectedUntil = now + ejection.toNanos();
      s.consecutiveFailures.set(0);
    }
    events.emit(ResilienceEvent.endpointEjected(service, endpoint, threshold, ejection));
    refresh.run();
    scheduleReadmission(endpoint, s, ejection);
  }

  private boolean roomForOneMore() {
    if (maxEjectionPercent == 0) {
      return false;
    }
    long ejected = stats.values().stream().filter(x -> x.ejected).count();
    long allowed = Math.max(1, (long) endpointCount * maxEjectionPercent / 100);
    return ejected < allowed;
  }

  private Duration ejectionTime(int times) {
    Duration d = baseEjection.multipliedBy(times);
    return d.compareTo(maxEjection) > 0 ? maxEjection : d;
  }

  private void scheduleReadmission(Endpoint endpoint, EndpointStats s, Duration delay) {
    try {
      scheduler.schedule(() -> readmitIfDue(endpoint, s), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the mesh is closing
    }
  }

  private void readmitIfDue(Endpoint endpoint, EndpointStats s) {
    long left;
    synchronized (this) {
      if (!s.ejected) {
        return;
      }
      long now = clock.nanoTime();
      left = s.ejectedUntil - now;
      if (left <= 0) {
        s.ejected = false;
        s.lastReadmitted = now;
        s.consecutiveFailures.set(0); // a fresh start: one failure must not eject it again
      }
    }
    if (left > 0) {
      scheduleReadmission(endpoint, s, Duration.ofNanos(left)); // the mesh clock runs differently
      return;
    }
    events.emit(ResilienceEvent.Type.ENDPOINT_READMITTED, service, endpoint, "ejection time passed");
    refresh.run();
  }

  boolean isEjected(Endpoint endpoint) {
    EndpointStats s = stats.get(endpoint);
    return s != null && s.ejected;
  }

  Set<Endpoint> ejected() {
    Set<Endpoint> out = new HashSet<>();
    stats.forEach((e, s) -> {
      if (s.ejected) {
        out.add(e);
      }
    });
    return out;
  }
}
