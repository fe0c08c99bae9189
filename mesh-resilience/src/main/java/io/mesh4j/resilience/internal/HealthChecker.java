package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.resilience.ResilienceEvent;
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
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Active health checks of one service: every discovered endpoint is probed with {@code GET
 * <health-check.path>} every {@code interval} (plus up to 10% jitter, so probes of many clients
 * spread out); {@code unhealthy-threshold} failures in a row mark it unhealthy, {@code
 * healthy-threshold} passes mark it healthy again. Endpoints start healthy, so a new client does
 * not refuse traffic before its first probes. Probes are asynchronous: the scheduler only starts them.
 */
final class HealthChecker implements AutoCloseable {

  private final String service;
  private final String path;
  private final Duration interval;
  private final Duration timeout;
  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private final HealthCheckClient client;
  private final ScheduledExecutorService scheduler;
  private final Runnable refresh;
  private final EventDispatcher events;
  private final Map<Endpoint, Prober> probers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  HealthChecker(
      ServiceConfig config,
      HealthCheckClient client,
      ScheduledExecutorService scheduler,
      Runnable refresh,
      EventDispatcher events) {
    this.service = config.name();
    this.path = config.get(ResilienceKeys.HC_PATH);
    this.interval = config.get(ResilienceKeys.HC_INTERVAL);
    this.timeout = config.get(ResilienceKeys.HC_TIMEOUT);
    this.healthyThreshold = config.get(ResilienceKeys.HC_HEALTHY_THRESHOLD);
    this.unhealthyThreshold = config.get(ResilienceKeys.HC_UNHEALTHY_THRESHOLD);
    this.client = client;
    this.scheduler = scheduler;
    this.refresh = refresh;
    this.events = events;
  }

  /** Starts probing endpoints new in {@code discovered}, stops probing those gone. Quick. */
  void track(List<Endpoint> discovered) {
    if (closed) {
      return;
    }
    Set<Endpoint> now = new HashSet<>(discovered);
    probers.entrySet().removeIf(e -> {
      if (!now.contains(e.getKey())) {
        e.getValue().stop();
        return true;
      }
      return false;
    });
    for (Endpoint endpoint : discovered) {
      probers.computeIfAbsent(endpoint, e -> {
        Prober p = new Prober(e);
        p.scheduleNext(Duration.ZERO);
        return p;
      });
    }
  }

  boolean isUnhealthy(Endpoint endpoint) {
    Prober p = probers.get(endpoint);
    return p != null && !p.healthy;
  }

  Set<Endpoint> unhealthy() {
    Set<Endpoint> out = new HashSet<>();
    probers.forEach((e, p) -> {
      if (!p.healthy) {
        out.add(e);
      }
    });
    return out;
  }

  @Override
  public void close() {
    closed = true;
    probers.values().forEach(Prober::stop);
    probers.clear();
  }

  /** The probe loop of one endpoint. Its counters change only in probe callbacks, one at a time. */
  private final class Prober implements Callback {
    private final Endpoint endpoint;
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
      long jitter = ThreadLocalRandom.current().nextLong(interval.toNanos() / 10 + 1);
      try {
        next = scheduler.schedule(this::probe, delay.toNanos() + jitter, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // the mesh is closing
      }
    }

    private void probe() {
      if (stopped || closed) {
        return;
      }
      boolean tls = client.securesService(service);
      HttpUrl url =
          new HttpUrl.Builder()
              .scheme(tls ? "https" : "http")
              .host(endpoint.host())
              .port(endpoint.port())
              .encodedPath(path)
              .build();
      Request request =
          new Request.Builder()
              .url(url)
              .header("Host", service)
              .tag(HealthCheckClient.Probe.class, new HealthCheckClient.Probe(service))
              .build();
      Call call = client.client().newCall(request);
      call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
      inFlight = call;
      try {
        call.enqueue(this);
      } catch (RuntimeException e) { // dispatcher shut down while closing
        stopped = true;
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
      if (!call.isCanceled() || !stopped) {
        result(false, e.toString());
      }
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
          if (!healthy && passes >= healthyThreshold) {
            healthy = true;
            changed = true;
          }
        } else {
          passes = 0;
          failures++;
          if (healthy && failures >= unhealthyThreshold) {
            healthy = false;
            changed = true;
          }
        }
      }
      if (changed) {
        events.emit(
            healthy ? ResilienceEvent.Type.ENDPOINT_HEALTHY : ResilienceEvent.Type.ENDPOINT_UNHEALTHY,
            service,
            endpoint,
            "health check " + path + ": " + detail);
        refresh.run();
      }
      scheduleNext(interval);
    }

    void stop() {
      stopped = true;
      ScheduledFuture<?> f = next;
      if (f != null) {
        f.cancel(false);
      }
      Call c = inFlight;
      if (c != null) {
        c.cancel();
      }
    }
  }
}
