package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.EndpointReadmitted;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passive outlier detection of one service (Envoy's consecutive-5xx): attempts report their
 * outcome per endpoint; {@code consecutive-failures} in a row eject it for {@code
 * base-ejection-time} × times ejected (at most {@code max-ejection-time}), never more than {@code
 * max-ejection-percent} of the endpoints at once. A timer on the mesh scheduler re-admits it; both
 * changes ask the mesh to re-run the endpoint filters.
 *
 * <p>State is kept by {@link Endpoint#authority()}, so an ejection survives a change of the
 * endpoint's weight, locality or metadata; it also survives a change of the thresholds ({@link
 * #settings(Settings)}), which apply from the next failure on.
 */
final class OutlierDetector implements AutoCloseable {

  /** The {@code outlier-detection.*} thresholds. */
  record Settings(int consecutiveFailures, Duration baseEjection, Duration maxEjection, int maxEjectionPercent) {
    static Settings of(ServiceConfig config) {
      return new Settings(
          config.get(ResilienceKeys.OUTLIER_CONSECUTIVE_FAILURES),
          config.get(ResilienceKeys.OUTLIER_BASE_EJECTION_TIME),
          config.get(ResilienceKeys.OUTLIER_MAX_EJECTION_TIME),
          config.get(ResilienceKeys.OUTLIER_MAX_EJECTION_PERCENT));
    }
  }

  /** Per-endpoint counters; ejection fields guarded by the detector. */
  private static final class EndpointStats {
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    volatile Endpoint endpoint; // as discovery reports it last, for events and snapshots
    int timesEjected;
    long ejectedUntil; // mesh clock nanos; meaningful while ejected
    long lastReadmitted;
    ScheduledFuture<?> readmission; // pending while ejected
    volatile boolean ejected; // read by the endpoint filter without the lock

    EndpointStats(Endpoint endpoint) {
      this.endpoint = endpoint;
    }
  }

  private final String service;
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;
  private final Runnable refresh;
  private final ResilienceEvents events;
  private final Map<String, EndpointStats> stats = new ConcurrentHashMap<>();
  /** The last {@link #track}ed endpoints' stats by instance; replaced whole, read without a lock. */
  private volatile Map<Endpoint, EndpointStats> byInstance = Map.of();
  private volatile Settings settings;
  private volatile int endpointCount;
  private boolean closed; // guarded by this

  OutlierDetector(
      String service,
      Settings settings,
      MeshClock clock,
      ScheduledExecutorService scheduler,
      Runnable refresh,
      ResilienceEvents events) {
    this.service = service;
    this.settings = settings;
    this.clock = clock;
    this.scheduler = scheduler;
    this.refresh = refresh;
    this.events = events;
  }

  Settings settings() {
    return settings;
  }

  /** New thresholds; ejections, their timers and the failure counts carry on. */
  void settings(Settings next) {
    this.settings = next;
  }

  /** The endpoints discovery reports now: stats of vanished addresses are dropped. */
  void track(List<Endpoint> discovered) {
    endpointCount = discovered.size();
    Set<String> present = new HashSet<>();
    Map<Endpoint, EndpointStats> byInstance = new IdentityHashMap<>();
    for (Endpoint e : discovered) {
      String authority = e.authority();
      present.add(authority);
      EndpointStats s = stats.computeIfAbsent(authority, a -> new EndpointStats(e));
      s.endpoint = e;
      byInstance.put(e, s);
    }
    synchronized (this) {
      stats.entrySet().removeIf(entry -> {
        if (present.contains(entry.getKey())) {
          return false;
        }
        cancelReadmission(entry.getValue());
        return true;
      });
    }
    this.byInstance = byInstance;
  }

  /**
   * An attempt on {@code endpoint} ended; {@code success} false for 5xx, connect failure, reset,
   * timeout. Called for every attempt, so a success writes nothing shared unless failures were
   * being counted.
   */
  void record(Endpoint endpoint, boolean success) {
    EndpointStats s = statsOf(endpoint);
    if (success) {
      if (s.consecutiveFailures.get() != 0) {
        s.consecutiveFailures.set(0);
      }
    } else if (s.ejected) {
      // attempts already in flight or sent in panic mode: the ejection has counted them already
    } else if (s.consecutiveFailures.incrementAndGet() >= settings.consecutiveFailures()) {
      tryEject(s);
    }
  }

  /**
   * The endpoint's stats: attempts are made on the instances the filter was given ({@link #track}),
   * found by identity without building the authority string; any other by its authority.
   */
  private EndpointStats statsOf(Endpoint endpoint) {
    EndpointStats s = byInstance.get(endpoint);
    if (s != null) {
      return s;
    }
    return stats.computeIfAbsent(endpoint.authority(), a -> new EndpointStats(endpoint));
  }

  private void tryEject(EndpointStats s) {
    Settings now = settings;
    Duration ejection;
    synchronized (this) {
      if (closed || s.ejected || stats.get(s.endpoint.authority()) != s || !roomForOneMore(now)) {
        return;
      }
      long t = clock.nanoTime();
      if (s.timesEjected > 0 && t - s.lastReadmitted > now.maxEjection().toNanos()) {
        s.timesEjected = 0; // healthy for long enough: start from the base time again
      }
      s.timesEjected++;
      ejection = ejectionTime(now, s.timesEjected);
      s.ejected = true;
      s.ejectedUntil = t + ejection.toNanos();
      s.consecutiveFailures.set(0);
      scheduleReadmission(s, ejection);
    }
    events.publish(new EndpointEjected(service, s.endpoint, now.consecutiveFailures(), ejection));
    refresh.run();
  }

  private boolean roomForOneMore(Settings now) {
    if (now.maxEjectionPercent() == 0) {
      return false;
    }
    long ejected = stats.values().stream().filter(x -> x.ejected).count();
    long allowed = Math.max(1, (long) endpointCount * now.maxEjectionPercent() / 100);
    return ejected < allowed;
  }

  private static Duration ejectionTime(Settings now, int times) {
    Duration d = now.baseEjection().multipliedBy(times);
    return d.compareTo(now.maxEjection()) > 0 ? now.maxEjection() : d;
  }

  /** Under the lock. */
  private void scheduleReadmission(EndpointStats s, Duration delay) {
    try {
      s.readmission = scheduler.schedule(() -> readmitIfDue(s), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the mesh is closing
    }
  }

  private void readmitIfDue(EndpointStats s) {
    synchronized (this) {
      if (closed || !s.ejected) {
        return;
      }
      long now = clock.nanoTime();
      long left = s.ejectedUntil - now;
      if (left > 0) {
        scheduleReadmission(s, Duration.ofNanos(left)); // the mesh clock runs differently
        return;
      }
      s.ejected = false;
      s.readmission = null;
      s.lastReadmitted = now;
      s.consecutiveFailures.set(0); // a fresh start: one failure must not eject it again
    }
    events.publish(new EndpointReadmitted(service, s.endpoint));
    refresh.run();
  }

  private static void cancelReadmission(EndpointStats s) {
    ScheduledFuture<?> f = s.readmission;
    if (f != null) {
      f.cancel(false);
      s.readmission = null;
    }
  }

  boolean isEjected(Endpoint endpoint) {
    EndpointStats s = stats.get(endpoint.authority());
    return s != null && s.ejected;
  }

  Set<Endpoint> ejected() {
    Set<Endpoint> out = new HashSet<>();
    stats.values().forEach(s -> {
      if (s.ejected) {
        out.add(s.endpoint);
      }
    });
    return out;
  }

  /** Cancels the pending re-admissions; the detector ejects and re-admits nothing afterwards. */
  @Override
  public synchronized void close() {
    closed = true;
    stats.values().forEach(OutlierDetector::cancelReadmission);
  }
}
