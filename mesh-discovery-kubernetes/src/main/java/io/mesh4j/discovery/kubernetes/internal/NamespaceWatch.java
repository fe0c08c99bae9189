package io.mesh4j.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mesh4j.discovery.kubernetes.KubernetesDiscoveryException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informers of one namespace, shared by every mesh service whose Service lives there: one
 * on the EndpointSlices that carry the label {@code kubernetes.io/service-name} (indexed by it),
 * one on the Services (to tell a deleted Service from one without endpoints, and to resolve port
 * numbers to names). Each change re-maps only the services it concerns.
 *
 * <p>Errors: a failed list or watch reaches the exception handler, which reports it to every
 * service here and asks fabric8 to retry (with its exponential backoff, 1s doubling to 32s).
 * A watch that drops is re-opened by fabric8 without telling the handler: {@link #check} sees it
 * no longer watching and reports it after {@link #OUTAGE_GRACE_NANOS}. The mesh keeps the last
 * good endpoints meanwhile; the first snapshot after recovery clears the error.
 */
final class NamespaceWatch {

  private static final Logger log = LoggerFactory.getLogger(NamespaceWatch.class);

  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final String BY_SERVICE = "mesh4j-by-service";

  /** A watch down this long is reported: fabric8 re-opens a watch every 5 to 10 minutes, in well under a second. */
  static final long OUTAGE_GRACE_NANOS = 3_000_000_000L;

  /** What the informers hold for one Service. */
  record View(SliceMapper.ServiceState state, Service service, List<EndpointSlice> slices) {}

  final String namespace;
  private final KubernetesConnection connection;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final SharedIndexInformer<Service> services;
  private final Set<ServiceWatch> watches = ConcurrentHashMap.newKeySet();
  private final ListState slicesList = new ListState();
  private final ListState servicesList = new ListState();
  private volatile boolean servicesForbidden;
  private volatile boolean closed;

  // guarded by this
  private long notWatchingSince = -1;
  private boolean outage;
  private boolean wasReady;

  private NamespaceWatch(String namespace, KubernetesConnection connection) {
    this.namespace = namespace;
    this.connection = connection;
    this.slices = connection.client.discovery().v1().endpointSlices()
        .inNamespace(namespace)
        .withLabel(SERVICE_NAME_LABEL)
        .runnableInformer(0);
    this.services = connection.client.services().inNamespace(namespace).runnableInformer(0);
  }

  /** Creates the informers and starts them; they list and watch in the background. */
  static NamespaceWatch start(String namespace, KubernetesConnection connection) {
    NamespaceWatch ns = new NamespaceWatch(namespace, connection);
    ns.slices.addIndexers(Map.of(BY_SERVICE, s -> List.of(serviceOf(s))));
    ns.slices.addEventHandler(ns.handler(ns.slicesList, NamespaceWatch::serviceOf));
    ns.slices.exceptionHandler((started, t) -> ns.failed("EndpointSlices", t));
    ns.services.addEventHandler(ns.handler(ns.servicesList, s -> s.getMetadata().getName()));
    ns.services.exceptionHandler((started, t) -> ns.servicesFailed(t));
    // start() completes once the informer has listed and its watch is open: the first snapshots
    ns.slices.start().thenRun(ns::updateAll);
    ns.services.start().thenRun(ns::updateAll);
    log.debug("watching EndpointSlices and Services in namespace {} on {}", namespace, connection.masterUrl);
    return ns;
  }

  String masterUrl() {
    return connection.masterUrl;
  }

  void add(ServiceWatch w) {
    watches.add(w);
  }

  /** Removes a service; true when none is left. */
  boolean remove(ServiceWatch w) {
    watches.remove(w);
    return watches.isEmpty();
  }

  /**
   * True once both informers have listed and watch (and are not in the middle of a new list):
   * only then is what they hold kept current, so only then are snapshots published.
   */
  boolean ready() {
    return slicesList.ready(slices) && (servicesForbidden || servicesList.ready(services));
  }

  View view(String serviceName) {
    List<EndpointSlice> list = slices.getIndexer().byIndex(BY_SERVICE, serviceName);
    if (servicesForbidden) {
      return new View(SliceMapper.ServiceState.UNKNOWN, null, list);
    }
    Service service = services.getStore().getByKey(namespace + "/" + serviceName);
    return new View(service == null ? SliceMapper.ServiceState.ABSENT : SliceMapper.ServiceState.PRESENT, service, list);
  }

  /** Runs on the mesh's scheduler: reports a watch that stays down, and the recovery. Never blocks. */
  void check(long nowNanos) {
    if (closed || !slices.hasSynced()) {
      return; // before the first list, failures come through the exception handler
    }
    boolean watching = slices.isWatching() && (servicesForbidden || services.isWatching());
    boolean ready = ready();
    boolean recovered = false;
    boolean lost = false;
    boolean becameReady;
    synchronized (this) {
      becameReady = ready && !wasReady;
      wasReady = ready;
      if (watching) {
        notWatchingSince = -1;
        if (outage) {
          outage = false;
          recovered = true;
        }
      } else if (notWatchingSince < 0) {
        notWatchingSince = nowNanos;
      } else if (!outage && nowNanos - notWatchingSince >= OUTAGE_GRACE_NANOS) {
        outage = true;
        lost = true;
      }
    }
    if (lost) {
      KubernetesDiscoveryException e = new KubernetesDiscoveryException("Kubernetes API server " + connection.masterUrl
          + ": the watch of EndpointSlices and Services in namespace '" + namespace
          + "' is down (fabric8 reconnects); the last endpoints keep serving");
      log.warn("{}", e.getMessage());
      watches.forEach(w -> w.fail(e));
    }
    if (recovered) {
      log.info("Kubernetes API server {}: watching namespace '{}' again", connection.masterUrl, namespace);
    }
    if (recovered || becameReady) {
      updateAll(); // after a relist or a new watch: what changed meanwhile, or the same list again to clear the error
    }
  }

  /** The exception handler of the slices' informer: report, and retry unless closed. */
  private boolean failed(String what, Throwable t) {
    if (closed) {
      return false;
    }
    boolean first;
    synchronized (this) {
      first = !outage;
      outage = true;
    }
    KubernetesDiscoveryException e = new KubernetesDiscoveryException("Kubernetes API server " + connection.masterUrl
        + " (" + connection.origin + "): cannot list and watch " + what + " in namespace '" + namespace + "': "
        + describe(t), t);
    if (first) {
      log.warn("{} (retrying with backoff; the last endpoints keep serving)", e.getMessage());
    }
    watches.forEach(w -> w.fail(e));
    return true;
  }

  /**
   * Services are only needed to tell a deletion from an empty Service: when RBAC forbids
   * listing them, discovery goes on with the slices alone (every empty answer is then held back
   * by discovery.empty-grace).
   */
  private boolean servicesFailed(Throwable t) {
    if (closed) {
      return false;
    }
    if (code(t) == 403) {
      if (!servicesForbidden) {
        servicesForbidden = true;
        log.warn("Kubernetes API server {}: listing Services in namespace '{}' is forbidden ({}): discovery uses the"
            + " EndpointSlices alone, and cannot tell a deleted Service from one without endpoints (grant list and"
            + " watch on services to tell them apart)", connection.masterUrl, namespace, describe(t));
        updateAll();
      }
      return false;
    }
    return failed("Services", t);
  }

  private static int code(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return k.getCode();
      }
    }
    return -1;
  }

  /** The most telling message of a failure: fabric8 wraps the connection error a few times. */
  static String describe(Throwable t) {
    String out = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return "HTTP " + k.getCode() + ": " + k.getMessage();
      }
      String m = c.getMessage();
      if (m != null && !m.isBlank()) {
        out = (out == null ? "" : out + ": ") + c.getClass().getSimpleName() + " " + m;
      } else if (out == null || c.getCause() == null) {
        out = (out == null ? "" : out + ": ") + c.getClass().getSimpleName();
      }
      if (out.length() > 400) {
        break;
      }
    }
    return out == null ? t.toString() : out;
  }

  private void changed(String serviceName) {
    for (ServiceWatch w : watches) {
      if (w.target.name().equals(serviceName)) {
        w.changed();
      }
    }
  }

  void updateAll() {
    watches.forEach(ServiceWatch::update);
  }

  /** Stops both informers (and their watches); quick, never waits for the server. */
  void close() {
    closed = true;
    slices.stop();
    services.stop();
    watches.forEach(ServiceWatch::detached);
    watches.clear();
  }

  private static String serviceOf(EndpointSlice s) {
    Map<String, String> labels = s.getMetadata() == null ? null : s.getMetadata().getLabels();
    return labels == null ? "" : Objects.requireNonNullElse(labels.get(SERVICE_NAME_LABEL), "");
  }

  private <T> ResourceEventHandler<T> handler(ListState list, java.util.function.Function<T, String> serviceName) {
    Consumer<T> changed = item -> {
      if (!list.listing) {
        changed(serviceName.apply(item));
      }
    };
    return new ResourceEventHandler<>() {
      @Override
      public void onBeforeList(String resourceVersion) {
        // during a (re)list items arrive one by one: map once, at the end, for complete snapshots
        list.listing = true;
      }

      @Override
      public void onList(String resourceVersion, boolean initial) {
        list.listing = false;
        list.listed = true;
        updateAll();
      }

      @Override
      public void onAdd(T item) {
        changed.accept(item);
      }

      @Override
      public void onUpdate(T before, T after) {
        String a = serviceName.apply(before);
        String b = serviceName.apply(after);
        if (!list.listing) {
          changed(a);
          if (!a.equals(b)) {
            changed(b);
          }
        }
      }

      @Override
      public void onDelete(T item, boolean finalStateUnknown) {
        changed.accept(item);
      }
    };
  }

  /** Where an informer is in its listing, as its handler hears it (in order with the items). */
  private static final class ListState {
    volatile boolean listing;
    volatile boolean listed;

    boolean ready(SharedIndexInformer<?> informer) {
      return (listed || informer.hasSynced()) && !listing && informer.isWatching();
    }
  }
}
