package io.mesh4j.discovery.kubernetes.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.kubernetes.KubernetesDiscoveryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's backend in one client: one fabric8 client (built in the background), the
 * informers of each namespace that has a watched service, and the threads they run on, all
 * stopped by {@link #close}.
 *
 * <p>Threads: fabric8's informers and its JDK HttpClient run on two pools of this backend
 * ({@code mesh4j-kubernetes-N}, {@code mesh4j-kubernetes-http-N}), shut down on close. Two threads
 * are not ours: the JDK HttpClient's selector ({@code HttpClient-N-SelectorManager}: stopped by
 * {@code shutdownNow} on Java 21+; Java 17 has no way to close a client, and it ends once the
 * closed client is garbage collected) and fabric8's process-wide timer
 * ({@code CachedSingleThreadScheduler-*}, which ends itself within 10 seconds once no informer
 * has a timer on it).
 */
public final class KubernetesBackend implements DiscoveryBackend {

  private static final Logger log = LoggerFactory.getLogger(KubernetesBackend.class);

  /** How long close() lets the pools finish the tasks they run. */
  private static final long CLOSE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Function<DiscoveryContext, WatchTarget> targets;
  private final BackendPool tasks;
  private final BackendPool http;
  /** Dropped on close, so that a closed client left referenced does not keep the HttpClient alive. */
  private volatile CompletableFuture<KubernetesConnection> connection;
  private final ScheduledFuture<?> monitor;
  private final DiscoveryBackendContext context;
  private final ClientSettings settings;

  // guarded by this
  private final Map<String, NamespaceWatch> namespaces = new HashMap<>();
  private boolean closed;

  public KubernetesBackend(
      DiscoveryBackendContext context, ClientSettings settings, Function<DiscoveryContext, WatchTarget> targets) {
    this.context = context;
    this.settings = settings;
    this.targets = targets;
    this.tasks = new BackendPool(context.threadFactory("kubernetes"));
    this.http = new BackendPool(context.threadFactory("kubernetes-http"));
    this.connection = CompletableFuture.supplyAsync(() -> connect(settings), tasks);
    this.monitor = context.scheduler().scheduleWithFixedDelay(this::check, 500, 500, TimeUnit.MILLISECONDS);
  }

  private KubernetesConnection connect(ClientSettings settings) {
    try {
      KubernetesConnection c = KubernetesConnection.open(settings, tasks, http);
      log.info("Kubernetes discovery: API server {} ({}), default namespace '{}'", c.masterUrl, c.origin,
          c.defaultNamespace);
      return c;
    } catch (RuntimeException e) {
      KubernetesDiscoveryException failure = new KubernetesDiscoveryException(
          "cannot configure the Kubernetes client: " + NamespaceWatch.describe(e), e);
      log.warn("{}", failure.getMessage());
      throw failure;
    }
  }

  @Override
  public Discovery watch(DiscoveryContext service) {
    ServiceWatch w = new ServiceWatch(
        targets.apply(service), service.listener(), this, context.scheduler(), settings.coalesce().toNanos());
    synchronized (this) {
      if (closed) {
        return () -> {};
      }
    }
    try {
      // never on the caller's thread: the client may still be loading its configuration
      connection.whenCompleteAsync((c, error) -> {
        if (error != null) {
          w.fail(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
              ? error.getCause() : error);
        } else {
          attach(w, c);
        }
      }, tasks);
    } catch (RejectedExecutionException closing) {
      return () -> {};
    }
    return w;
  }

  private void attach(ServiceWatch w, KubernetesConnection c) {
    String ns = w.target.namespace() != null ? w.target.namespace() : c.defaultNamespace;
    NamespaceWatch nw;
    synchronized (this) {
      if (closed || w.isClosed()) {
        return;
      }
      nw = namespaces.get(ns);
      if (nw == null) {
        nw = NamespaceWatch.start(ns, c);
        namespaces.put(ns, nw);
      }
      w.attach(nw);
      nw.add(w);
    }
    // when the namespace is already listed, the new service gets its first snapshot now
    w.update();
  }

  /** A service's watch closed: its namespace's informers stop when it was the last one there. */
  void detach(ServiceWatch w) {
    NamespaceWatch toClose = null;
    synchronized (this) {
      NamespaceWatch nw = w.namespace();
      if (nw != null && nw.remove(w) && namespaces.get(nw.namespace) == nw) {
        namespaces.remove(nw.namespace);
        toClose = nw;
      }
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  private void check() {
    List<NamespaceWatch> all;
    synchronized (this) {
      all = new ArrayList<>(namespaces.values());
    }
    long now = context.clock().nanoTime();
    for (NamespaceWatch nw : all) {
      try {
        nw.check(now);
      } catch (RuntimeException e) {
        log.warn("Kubernetes discovery: checking namespace '{}' failed", nw.namespace, e);
      }
    }
  }

  @Override
  public void close() {
    List<NamespaceWatch> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(namespaces.values());
      namespaces.clear();
    }
    monitor.cancel(false);
    all.forEach(NamespaceWatch::close);
    CompletableFuture<KubernetesConnection> built = connection;
    connection = CompletableFuture.failedFuture(new KubernetesDiscoveryException("closed"));
    // a client still being built is closed as soon as it is
    built.whenComplete((c, error) -> {
      if (c != null) {
        try {
          c.close();
        } catch (RuntimeException e) {
          log.debug("closing the Kubernetes client failed", e);
        }
      }
    });
    // what runs now finishes (briefly); what fabric8 schedules later to finish closing its
    // watches runs on the common pool (BackendPool)
    tasks.close();
    http.close();
    long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
    tasks.awaitTermination(deadline);
    http.awaitTermination(deadline);
  }
}
