package io.mesh4j.xds.internal.provider;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.mesh4j.MeshException;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.routing.RouteDecision;
import io.mesh4j.xds.internal.client.ResourceWatcher;
import io.mesh4j.xds.internal.client.XdsClient;
import io.mesh4j.xds.internal.client.XdsResourceType;
import io.mesh4j.xds.internal.mapping.ClusterMapper;
import io.mesh4j.xds.internal.mapping.EndpointMapper;
import io.mesh4j.xds.internal.mapping.MappedCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mesh service fed by one xDS cluster: CDS gives its policy, pushed into the overlay as the
 * service's keys; once they are applied, EDS gives its endpoints. Endpoints are published only after
 * the cluster's keys are in force, so no request runs with a TLS mode or balancer the cluster does not
 * ask for.
 *
 * <p>Callbacks come from the ADS client's synchronization context and from the overlay's thread;
 * state is guarded by this object's lock, held only for quick work (no blocking call is made under it).
 */
final class ClusterDiscovery implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(ClusterDiscovery.class);

  private final String service;
  private final String cluster;
  private final XdsClient client;
  private final XdsOverlay overlay;
  private final ClusterKeyFilter filter;
  /** Per mesh service: why its requests are refused (a listener's router reads it per request). */
  private final ConcurrentMap<String, Refusal> refusals;
  private final DiscoveryListener listener;
  private final boolean ignoreResourceDeletion;
  private final XdsOverlay.Owner owner;
  private final ServiceAttributes attributes;
  private final Runnable cancelCds;
  private final ConcurrentMap<String, CompletableFuture<Void>> readiness;
  /**
   * Completed by this instance's first answer (endpoints, refusal or error): a listener's router
   * waits for it. Per instance: a resubscribed service's new watch is waited for, not the old one's.
   */
  private final CompletableFuture<Void> ready;

  private boolean closed;
  private boolean clusterReceived;
  private Refusal refusal;
  /** The keys (relative to the service) the overlay last applied, and those being applied. */
  private Map<String, String> appliedKeys = Map.of();
  private Map<String, String> pendingKeys = Map.of();
  private String edsName;
  private Runnable cancelEds;
  private long keysGeneration;
  private boolean keysApplied;
  private List<Endpoint> endpoints;

  ClusterDiscovery(String service, String cluster, XdsClient client, XdsOverlay overlay, ClusterKeyFilter filter,
      ConcurrentMap<String, Refusal> refusals, ConcurrentMap<String, CompletableFuture<Void>> readiness,
      ServiceAttributes attributes, DiscoveryListener listener, boolean ignoreResourceDeletion) {
    this.service = service;
    this.attributes = attributes;
    this.readiness = readiness;
    this.ready = new CompletableFuture<>();
    readiness.put(service, ready); // the newest watch of the service is the one to wait for
    this.cluster = cluster;
    this.client = client;
    this.overlay = overlay;
    this.filter = filter;
    this.refusals = refusals;
    this.listener = listener;
    this.ignoreResourceDeletion = ignoreResourceDeletion;
    this.owner = new XdsOverlay.Owner("cluster-keys:" + service);
    this.cancelCds = client.watch(XdsResourceType.CLUSTER, cluster, new ResourceWatcher<Cluster>() {
      @Override
      public void onResource(Cluster resource) {
        onCluster(resource);
      }

      @Override
      public void onDoesNotExist(String name) {
        onClusterMissing();
      }

      @Override
      public void onError(String reason) {
        fail("xDS cluster '" + cluster + "' of service '" + service + "': " + reason);
      }
    });
  }

  private synchronized void onCluster(Cluster resource) {
    if (closed) {
      return;
    }
    clusterReceived = true;
    MappedCluster mapped = ClusterMapper.map(resource);
    ClusterKeyFilter.Result result = filter.filter(service, cluster, mapped.serviceKeys());
    if (result.failClosedReason() != null) {
      refuse(result.failClosedReason());
      return;
    }
    if (refusal != null) {
      refusals.remove(service, refusal);
      refusal = null;
    }
    Map<String, String> keys = new LinkedHashMap<>();
    result.keys().forEach((k, v) -> keys.put("mesh.services." + service + "." + k, v));
    long generation = ++keysGeneration;
    keysApplied = false;
    pendingKeys = Map.copyOf(result.keys());
    if (!mapped.edsServiceName().equals(edsName)) {
      watchEndpoints(mapped.edsServiceName());
    }
    overlay.put(owner, keys).whenComplete((ok, failure) -> onKeysApplied(generation, failure));
  }

  private synchronized void onKeysApplied(long generation, Throwable failure) {
    if (closed || generation != keysGeneration) {
      return;
    }
    if (failure != null) {
      String message = "xDS cluster '" + cluster + "' of service '" + service + "': its settings were not applied ("
          + overlay.source() + "): " + rootMessage(failure);
      if (changesSecurity(pendingKeys, appliedKeys)) {
        // the keys in force would call the cluster with another TLS mode or identity than it asks for
        refuse(message + "; requests are refused rather than sent with the previous TLS mode or identity");
        return;
      }
      // the previous keys stay in force and ask for the same TLS: the endpoints still apply, under them
      log.error(message);
      listener.onError(new MeshException(message, failure));
    } else {
      appliedKeys = pendingKeys;
    }
    keysApplied = true;
    publish();
  }

  private static boolean changesSecurity(Map<String, String> rejected, Map<String, String> inForce) {
    return !java.util.Objects.equals(rejected.get(ClusterKeyFilter.TLS_MODE), inForce.get(ClusterKeyFilter.TLS_MODE))
        || !java.util.Objects.equals(rejected.get("identity"), inForce.get("identity"));
  }

  private void watchEndpoints(String name) {
    if (cancelEds != null) {
      cancelEds.run();
    }
    edsName = name;
    endpoints = null;
    cancelEds = client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, name,
        new ResourceWatcher<ClusterLoadAssignment>() {
          @Override
          public void onResource(ClusterLoadAssignment resource) {
            onEndpoints(name, EndpointMapper.map(resource).endpoints());
          }

          @Override
          public void onDoesNotExist(String missing) {
            log.info("xDS endpoints '{}' of cluster '{}' do not exist: service '{}' has no endpoints", missing,
                cluster, service);
            onEndpoints(name, List.of());
            synchronized (ClusterDiscovery.this) {
              if (closed || !name.equals(edsName)) {
                return;
              }
            }
            listener.onError(new MeshException("xDS endpoints '" + missing + "' of cluster '" + cluster
                + "' (service '" + service + "') do not exist on the server: no endpoints"));
          }

          @Override
          public void onError(String reason) {
            fail("xDS endpoints '" + name + "' of cluster '" + cluster + "' (service '" + service + "'): " + reason);
          }
        });
  }

  private synchronized void onEndpoints(String name, List<Endpoint> found) {
    if (closed || !name.equals(edsName)) {
      return;
    }
    endpoints = found;
    publish();
  }

  private void publish() {
    if (keysApplied && endpoints != null) {
      // the control plane's list is the truth, empty included: authoritative
      listener.onUpdate(new DiscoveryUpdate(endpoints, attributes, true));
      ready.complete(null);
    }
  }

  private synchronized void onClusterMissing() {
    if (closed) {
      return;
    }
    if (ignoreResourceDeletion && clusterReceived) {
      log.info("xDS cluster '{}' (service '{}') is gone from the server; kept, as the server asks"
          + " (ignore_resource_deletion)", cluster, service);
      return;
    }
    log.info("xDS cluster '{}' does not exist on the server: service '{}' has no endpoints", cluster, service);
    if (cancelEds != null) {
      cancelEds.run();
      cancelEds = null;
    }
    edsName = null;
    endpoints = List.of();
    keysGeneration++; // settings still being applied no longer matter
    keysApplied = true;
    publish();
    // the status names the cluster (requests fail with "no endpoints for service …")
    listener.onError(new MeshException("xDS cluster '" + cluster + "' of service '" + service
        + "' does not exist on the server: no endpoints"));
  }

  /** A cluster that must not be used (TLS asked, mesh-tls absent): every request refused with the reason. */
  private void refuse(String reason) {
    if (refusal == null || !refusal.reason().equals(reason)) {
      log.error("service '{}': {}", service, reason);
    }
    refusal = new Refusal(reason);
    refusals.put(service, refusal);
    appliedKeys = Map.of();
    if (cancelEds != null) {
      cancelEds.run();
      cancelEds = null;
    }
    edsName = null;
    endpoints = null;
    keysGeneration++;
    overlay.put(owner, Map.of());
    RouteDecision refused = refusal.decision();
    listener.onUpdate(new DiscoveryUpdate(List.of(),
        withRouter(attributes, request -> refused), true));
    ready.complete(null);
  }

  private void fail(String message) {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    listener.onError(new MeshException(message));
    ready.complete(null);
  }

  /** {@code base} plus a router (ServiceAttributes has no copy builder: the status key is re-set). */
  static ServiceAttributes withRouter(ServiceAttributes base, io.mesh4j.routing.RequestRouter router) {
    ServiceAttributes.Builder b = ServiceAttributes.builder().set(ServiceAttributes.REQUEST_ROUTER, router);
    java.util.function.Supplier<io.mesh4j.xds.XdsStatus> status = base.get(io.mesh4j.xds.XdsDiscoveryProvider.STATUS);
    if (status != null) {
      b.set(io.mesh4j.xds.XdsDiscoveryProvider.STATUS, status);
    }
    return b.build();
  }

  static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /** The stream pushes every change: nothing to ask for. */
  @Override
  public void refresh() {}

  @Override
  public void close() {
    Runnable eds;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      eds = cancelEds;
      cancelEds = null;
    }
    cancelCds.run();
    if (eds != null) {
      eds.run();
    }
    Refusal refused;
    synchronized (this) {
      refused = refusal;
    }
    if (refused != null) {
      refusals.remove(service, refused);
    }
    overlay.put(owner, Map.of());
    readiness.remove(service, ready);
    ready.complete(null);
  }
}
