package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.EndpointHealthChanged;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;

/**
 * Active health checks of one service: every discovered endpoint is probed with {@code GET
 * <health-check.path>} every {@code interval} (plus up to 10% jitter, so probes of many clients
 * spread out); {@code unhealthy-threshold} failures in a row mark it unhealthy, {@code
 * healthy-threshold} passes mark it healthy again. Endpoints start healthy, so a new client does
 * not refuse traffic before its first probes. Probes are asynchronous: the scheduler only starts
 * them. Endpoints are followed by {@link Endpoint#authority()}: a change of weight or locality
 * neither restarts nor resets a probe loop.
 */
final class HealthChecker implements AutoCloseable {

  /** The {@code health-check.*} values; a checker is rebuilt only when they change. */
  record Settings(String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {

    /** The settings, or null when {@code health-check.path} is unset (no health checks). */
    static Settings of(ServiceConfig config) {
      String path = config.get(ResilienceKeys.HC_PATH);
      if (path == null) {
        return null;
      }
      return new Settings(
          path,
          config.get(ResilienceKeys.HC_INTERVAL),
          config.get(ResilienceKeys.HC_TIMEOUT),
          config.get(ResilienceKeys.HC_HEALTHY_THRESHOLD),
          config.get(ResilienceKeys.HC_UNHEALTHY_THRESHOLD));
    }
  }

  private final String service;
  private final Settings settings;
  private final HealthCheckClient client;
  private final ScheduledExecutorService scheduler;
  private final Runnable refresh;
  private final ResilienceEvents events;
  private final Map<String, Prober> probers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  HealthChecker(
      String service,
      Settings settings,
      HealthCheckClient client,
      ScheduledExecutorService scheduler,
      Runnable refresh,
      ResilienceEvents events) {
    this.service = service;
    this.settings = settings;
    this.client = client;
    this.scheduler = scheduler;
    this.refresh = refresh;
    this.events = events;
  }

  Settings settings() {
    return settings;
  }

  /** Starts probing endpoints new in {@code discovered}, stops probing those gone. Quick. */
  void track(List<Endpoint> discovered) {
    if (closed) {
      return;
    }
    Set<String> now = new HashSet<>();
    discovered.forEach(e -> now.add(e.authority()));
    probers.entrySet().removeIf(e -> {
      if (!now.contains(e.getKey())) {
        e.getValue().stop();
        return true;
      }
      return false;
    });
    for (Endpoint endpoint : discovered) {
      Prober p = probers.computeIfAbsent(endpoint.authority(), a -> {
        Prober started = new Prober(endpoint);
        started.scheduleNext(Duration.ZERO);
        return started;
      });
      p.endpoint = endpoint; // the latest attributes, for events and snapshots
    }
    if (closed) { // closed meanwhile: stop what this call may have started
      probers.values().forEach(Prober::stop);
    }
  }

  boolean isUnhealthy(Endpoint endpoint) {
    Prober p = probers.get(endpoint.authority());
    return p != null && !p.healthy;
  }

  Set<Endpoint> unhealthy() {
    Set<Endpoint> out = new HashSet<>();
    probers.values().forEach(p -> {
      if (!p.healthy) {
        out.add(p.endpoint);
      }
    });
    return out;
  }

  /** Stops probing: pending probes are cancelled, probes under way are cancelled and ignored. */
  @Override
  public void close() {
    closed = true;
    probers.values().forEach(Prober::stop);
    probers.clear();
  }

  /** The probe loop of one endpoint. Its counters change only in probe callbacks, one at a time. */
  private final class Prober implements Callback {
    private volatile Endpoint endpoint;
    private volatile boolean healthy = true;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> next;
    private volatile Call inFlight;
    private int passes;
    private int failures;

    Prober(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    void scheduleNext(Duration delay) {
      if (stopped || closed) {
        return;
      }
      long jitter = ThreadLocalRandom.current().nextLong(settings.interval().toNanos() / 10 + 1);
      try {
        next = scheduler.schedule(this::probe, delay.toNanos() + jitter, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // the mesh is closing
      }
      if (stopped) {
        cancelNext(); // stopped while scheduling
      }
    }

    private void probe() {
      if (stopped || closed) {
        return;
      }
      Call call = client.newProbe(service, endpoint, settings.path(), settings.timeout());
      if (call == null) {
        // The mesh no longer routes the service: its removal closes this checker right after.
        return;
      }
      inFlight = call;
      try {
        call.enqueue(this);
      } catch (RuntimeException e) { // dispatcher shut down while closing
        stopped = true;
        return;
      }
      if (stopped) {
        call.cancel(); // stopped while starting it
      }
    }

    @Override
    public void onResponse(Call call, Response response) {
      try (response) {
        result(response.isSuccessful(), "HTTP " + response.code());
      }
    }

    @Override
    public void onFailure(Call call, IOException e) {
      result(false, e.toString()); // ignored once stopped (the cancelled probe of a stopped loop)
    }

    private void result(boolean passed, String detail) {
      if (stopped || closed) {
        return;
      }
      boolean changed = false;
      synchronized (this) {
        if (passed) {
          failures = 0;
          passes++;
          if (!healthy && passes >= settings.healthyThreshold()) {
            healthy = true;
            changed = true;
          }
        } else {
          passes = 0;
          failures++;
          if (healthy && failures >= settings.unhealthyThreshold()) {
            healthy = false;
            changed = true;
          }
        }
      }
      if (changed) {
        events.publish(
            new EndpointHealthChanged(service, endpoint, healthy, "health check " + settings.path() + ": " + detail));
        refresh.run();
      }
      scheduleNext(settings.interval());
    }

    void stop() {
      stopped = true;
      cancelNext();
      Call c = inFlight;
      if (c != null) {
        c.cancel();
      }
    }

    private void cancelNext() {
      ScheduledFuture<?> f = next;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
