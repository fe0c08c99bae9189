package io.mesh4j.discovery.kubernetes.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.kubernetes.KubernetesDiscoveryException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mesh service's subscription: maps its Service's slices whenever its namespace's informers
 * say something changed, and tells the mesh only complete snapshots, only when they changed.
 * Called from informer threads, the backend's threads and the mesh's scheduler, so its state is
 * guarded by its own monitor; the mesh's listener never blocks, so calling it under the lock is safe.
 */
final class ServiceWatch implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(ServiceWatch.class);

  final WatchTarget target;
  private final DiscoveryListener listener;
  private final KubernetesBackend backend;
  private final ScheduledExecutorService scheduler;
  private final long coalesceNanos;

  // guarded by this
  private NamespaceWatch namespace;
  private boolean closed;
  private DiscoveryUpdate lastPublished;
  /** After an error the next snapshot is sent even if equal: that is how the mesh learns it recovered. */
  private boolean mustPublish = true;
  /** The Service existed at some point of this watch: its disappearance is a deletion. */
  private boolean seen;
  private final Set<String> warned = new HashSet<>();
  private ScheduledFuture<?> pending;

  ServiceWatch(
      WatchTarget target,
      DiscoveryListener listener,
      KubernetesBackend backend,
      ScheduledExecutorService scheduler,
      long coalesceNanos) {
    this.target = target;
    this.listener = listener;
    this.backend = backend;
    this.scheduler = scheduler;
    this.coalesceNanos = coalesceNanos;
  }

  synchronized void attach(NamespaceWatch ns) {
    this.namespace = ns;
  }

  synchronized NamespaceWatch namespace() {
    return namespace;
  }

  /** Its namespace's informers stopped (the backend closed): nothing more comes. */
  synchronized void detached() {
    namespace = null;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * An informer event concerns this Service. Once it has endpoints, changes are mapped at the end
   * of the coalescing window (from the first change), so that a burst of slice updates (a
   * rollout, a re-slicing) reaches the balancer as one snapshot, as kube-proxy's min-sync-period
   * does; the first snapshot and the one after an error go out at once.
   */
  void changed() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (lastPublished != null && !mustPublish && coalesceNanos > 0) {
        if (pending == null) {
          try {
            pending = scheduler.schedule(this::flush, coalesceNanos, TimeUnit.NANOSECONDS);
          } catch (RejectedExecutionException closing) {
            // the mesh is closing
          }
        }
        return;
      }
    }
    update();
  }

  private void flush() {
    synchronized (this) {
      pending = null;
    }
    update();
  }

  /** Maps the Service again from the informers' caches now; a no-op until they have listed. */
  synchronized void update() {
    NamespaceWatch ns = namespace;
    if (closed || ns == null || !ns.ready()) {
      return;
    }
    NamespaceWatch.View view = ns.view(target.name());
    String ref = ns.namespace + "/" + target.name();
    SliceMapper.Result result = SliceMapper.map(
        view.state(), view.service(), view.slices(), target.port(), target.portKey(), ref, this::skipped);
    if (view.state() == SliceMapper.ServiceState.PRESENT) {
      seen = true;
    }
    if (result instanceof SliceMapper.Mapped mapped) {
      publish(DiscoveryUpdate.of(mapped.endpoints()));
    } else if (result instanceof SliceMapper.Absent) {
      if (seen) {
        // the API server says the Service is gone: the mesh drops its endpoints now, no grace
        if (lastPublished == null || !lastPublished.endpoints().isEmpty()) {
          log.info("Kubernetes Service {} was deleted: service '{}' has no endpoints now", ref, target.meshService());
        }
        publish(DiscoveryUpdate.of(List.of()).asAuthoritative());
      } else {
        fail(new KubernetesDiscoveryException("Kubernetes Service " + ref + " does not exist (API server "
            + ns.masterUrl() + "; mesh.services." + target.meshService() + ".kubernetes.service and .namespace)"));
      }
    } else if (result instanceof SliceMapper.Failed failed) {
      fail(new KubernetesDiscoveryException(failed.message()));
    }
  }

  private void publish(DiscoveryUpdate update) {
    if (!mustPublish && update.equals(lastPublished)) {
      return;
    }
    mustPublish = false;
    lastPublished = update;
    listener.onUpdate(update);
  }

  /** Tells the mesh; it keeps the last good snapshot and reports the error. */
  synchronized void fail(Throwable error) {
    if (closed) {
      return;
    }
    mustPublish = true;
    listener.onError(error);
  }

  private void skipped(String slice, String reason) {
    if (warned.add(slice + "\0" + reason)) {
      log.warn("Kubernetes discovery for service '{}': EndpointSlice {}/{} has {}: skipped",
          target.meshService(), namespace == null ? "?" : namespace.namespace, slice, reason);
    }
  }

  /** The informers watch: a change is pushed as soon as the API server sends it, so there is nothing to do. */
  @Override
  public void refresh() {}

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (pending != null) {
        pending.cancel(false);
        pending = null;
      }
    }
    backend.detach(this);
    detached();
  }
}
