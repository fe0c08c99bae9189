package io.mesh4j.discovery.dns.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's lookups: one at a time, again after the answer's TTL (clamped) or, after a
 * failure, after a growing retry delay; {@link #refresh()} looks again at once. Pushes a snapshot
 * only when the endpoints changed, or to say the source works again after errors.
 *
 * <p>An empty answer (NXDOMAIN, no records) is pushed as not authoritative: DNS cannot tell a
 * service that is gone from one whose records briefly vanished (a Kubernetes headless service
 * while every pod restarts, a Consul service whose checks flap, a zone being reloaded), so the mesh
 * keeps the last endpoints for {@code discovery.empty-grace} and applies the empty answer only if
 * it lasts.
 */
final class DnsWatch implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(DnsWatch.class);

  private final String service;
  private final DnsTarget target;
  private final DiscoveryListener listener;
  private final DnsBackend backend;

  private final Object lock = new Object();
  // guarded by lock
  private boolean closed;
  private boolean running;
  private boolean again;
  private ScheduledFuture<?> next;
  private List<Endpoint> last;
  private boolean failing;
  // touched only by the one lookup running at a time
  private int failures;
  private Set<String> warnedTargets = Set.of();

  DnsWatch(String service, DnsTarget target, DiscoveryListener listener, DnsBackend backend) {
    this.service = service;
    this.target = target;
    this.listener = listener;
    this.backend = backend;
  }

  void start() {
    lookNow();
  }

  @Override
  public void refresh() {
    lookNow();
  }

  /** Starts a lookup unless one is running; then that one runs once more when it ends. */
  private void lookNow() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (next != null) {
        next.cancel(false);
        next = null;
      }
      if (running) {
        again = true;
        return;
      }
      running = true;
    }
    try {
      backend.executor().execute(this::run);
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        running = false; // the backend is closing
      }
    }
  }

  private void run() {
    while (true) {
      Duration wait = backend.policy().minTtl(); // if the lookup threw: retry, but never in a busy loop
      try {
        wait = lookup();
      } finally {
        synchronized (lock) {
          if (closed) {
            running = false;
            return;
          }
          if (!again) {
            running = false;
            schedule(wait);
            return;
          }
          again = false;
        }
      }
    }
  }

  private void schedule(Duration wait) {
    try {
      next = backend.scheduler().schedule(this::lookNow, wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closing
    }
  }

  /** One lookup; returns the wait before the next. */
  private Duration lookup() {
    Resolution found;
    try {
      found = backend.lookup().resolve(target);
    } catch (DnsLookupException e) {
      return failed(e);
    } catch (RuntimeException e) {
      return failed(new DnsLookupException("DNS lookup of " + target + " failed: " + e, e));
    }
    failures = 0;
    warnAboutTargets(found.unresolvedTargets());
    synchronized (lock) {
      if (closed) {
        return Duration.ZERO;
      }
      if (failing || !found.endpoints().equals(last)) {
        log.debug("service '{}': {} gives {} (TTL {}s)", service, target, found.endpoints(), found.ttlSeconds());
        // under the lock, so nothing reaches the mesh once close() returned; the mesh's listener never blocks
        listener.onUpdate(DiscoveryUpdate.of(found.endpoints()));
      }
      last = found.endpoints();
      failing = false;
    }
    return backend.policy().afterAnswer(found.ttlSeconds());
  }

  private Duration failed(DnsLookupException e) {
    failures++;
    Duration retry = backend.policy().afterFailure(failures);
    // the mesh logs the error at WARN once per distinct message and keeps the last endpoints
    log.debug("service '{}': {}; retrying in {}", service, e.getMessage(), retry);
    synchronized (lock) {
      if (!closed) {
        failing = true;
        listener.onError(e);
      }
    }
    return retry;
  }

  private void warnAboutTargets(Set<String> unresolved) {
    if (!unresolved.isEmpty() && !unresolved.equals(warnedTargets)) {
      log.warn("DNS discovery for service '{}': the SRV targets {} of {} have no A/AAAA record; their SRV"
          + " records give no endpoint", service, new java.util.TreeSet<>(unresolved), target);
    }
    warnedTargets = unresolved;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel(false);
        next = null;
      }
    }
    backend.closed(this);
  }

  @Override
  public String toString() {
    return "DnsWatch{" + service + ", " + target + "}";
  }
}
