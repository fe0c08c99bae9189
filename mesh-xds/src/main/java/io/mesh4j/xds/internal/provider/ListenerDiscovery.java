package io.mesh4j.xds.internal.provider;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.mesh4j.MeshException;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.routing.RequestRouter;
import io.mesh4j.routing.RouteDecision;
import io.mesh4j.xds.internal.client.ResourceWatcher;
import io.mesh4j.xds.internal.client.XdsClient;
import io.mesh4j.xds.internal.client.XdsResourceType;
import io.mesh4j.xds.internal.mapping.ListenerMapper;
import io.mesh4j.xds.internal.mapping.MappedListener;
import io.mesh4j.xds.internal.mapping.MappedRoutes;
import io.mesh4j.xds.internal.mapping.RouteMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A routing mesh service fed by an xDS listener: LDS gives the HttpConnectionManager, whose routes
 * come from RDS (or inline). Every cluster a route names becomes a derived mesh service, added
 * through the overlay ({@code discovery=xds}, {@code xds.cluster=<cluster>}); once they exist, the
 * service publishes a {@link RequestRouter} that sends each request to the derived service of the
 * cluster its route picks. Derived services no longer named are withdrawn after the new router is
 * published, so no request is routed to a service that is being removed.
 */
final class ListenerDiscovery implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(ListenerDiscovery.class);

  /** How long a new router waits for its new targets' first answers (a target never answering is not waited for longer). */
  static final Duration TARGETS_WAIT = Duration.ofSeconds(5);
  /**
   * How long derived services the new router no longer names are kept after it is published: the
   * update is applied on the service's own executor, so a request may still be routed by the old
   * router for a moment (make before break, as Envoy drains).
   */
  static final Duration WITHDRAW_DELAY = Duration.ofSeconds(1);

  private final String service;
  private final String listenerName;
  private final XdsClient client;
  private final XdsOverlay overlay;
  private final ConcurrentMap<String, Refusal> refusals;
  private final DiscoveryListener listener;
  private final boolean ignoreResourceDeletion;
  private final XdsOverlay.Owner owner;
  /** The cluster of a user's own service of that name (at open), or null: a derived name must not be one. */
  private final java.util.function.Function<String, String> userCluster;
  private final ServiceAttributes attributes;
  private final Runnable cancelLds;
  private final ConcurrentMap<String, CompletableFuture<Void>> readiness;
  private final ScheduledExecutorService scheduler;

  private boolean closed;
  private boolean listenerReceived;
  private String rdsName;
  private Runnable cancelRds;
  private long generation;
  /** The derived services of the published router (what the overlay keeps after the switch). */
  private Map<String, String> publishedKeys = Map.of();

  ListenerDiscovery(String service, String listenerName, XdsClient client, XdsOverlay overlay,
      ConcurrentMap<String, Refusal> refusals, ConcurrentMap<String, CompletableFuture<Void>> readiness,
      ScheduledExecutorService scheduler, ServiceAttributes attributes, DiscoveryListener listener,
      boolean ignoreResourceDeletion, java.util.function.Function<String, String> userCluster) {
    this.userCluster = userCluster;
    this.service = service;
    this.attributes = attributes;
    this.readiness = readiness;
    this.scheduler = scheduler;
    this.listenerName = listenerName;
    this.client = client;
    this.overlay = overlay;
    this.refusals = refusals;
    this.listener = listener;
    this.ignoreResourceDeletion = ignoreResourceDeletion;
    this.owner = new XdsOverlay.Owner("listener-routes:" + service);
    this.cancelLds = client.watch(XdsResourceType.LISTENER, listenerName, new ResourceWatcher<Listener>() {
      @Override
      public void onResource(Listener resource) {
        onListener(resource);
      }

      @Override
      public void onDoesNotExist(String name) {
        onMissing("xDS listener '" + listenerName + "' does not exist on the server", true);
      }

      @Override
      public void onError(String reason) {
        fail("xDS listener '" + listenerName + "' of service '" + service + "': " + reason);
      }
    });
  }

  private synchronized void onListener(Listener resource) {
    if (closed) {
      return;
    }
    listenerReceived = true;
    MappedListener mapped = ListenerMapper.map(resource);
    if (mapped.routeConfigName() != null) {
      if (!mapped.routeConfigName().equals(rdsName)) {
        watchRoutes(mapped.routeConfigName());
      }
    } else {
      cancelRoutes();
      onRoutes(RouteMapper.map(mapped.inlineRoutes()), "the inline routes of xDS listener '" + listenerName + "'");
    }
  }

  private void watchRoutes(String name) {
    cancelRoutes();
    rdsName = name;
    cancelRds = client.watch(XdsResourceType.ROUTE_CONFIGURATION, name, new ResourceWatcher<RouteConfiguration>() {
      @Override
      public void onResource(RouteConfiguration resource) {
        synchronized (ListenerDiscovery.this) {
          if (!closed && name.equals(rdsName)) {
            onRoutes(RouteMapper.map(resource), "xDS route configuration '" + name + "'");
          }
        }
      }

      @Override
      public void onDoesNotExist(String missing) {
        synchronized (ListenerDiscovery.this) {
          if (name.equals(rdsName)) {
            onMissing("xDS route configuration '" + name + "' of listener '" + listenerName
                + "' does not exist on the server", false);
          }
        }
      }

      @Override
      public void onError(String reason) {
        fail("xDS route configuration '" + name + "' of listener '" + listenerName + "' (service '" + service
            + "'): " + reason);
      }
    });
  }

  private void cancelRoutes() {
    if (cancelRds != null) {
      cancelRds.run();
      cancelRds = null;
    }
    rdsName = null;
  }

  /** Adds the derived services the routes need, then (once applied) publishes the router. */
  private void onRoutes(MappedRoutes routes, String origin) {
    Map<String, String> derived = new HashMap<>();
    Map<String, String> keys = new HashMap<>();
    Map<String, String> clusterOf = new HashMap<>();
    for (String cluster : routes.clusters()) {
      String name = DerivedServiceNames.of(cluster);
      String other = clusterOf.putIfAbsent(name, cluster);
      String users = userCluster.apply(name);
      if (other != null || users != null) {
        String message = origin + " (service '" + service + "'): cluster '" + cluster + "' would be mesh service '"
            + name + "', which " + (other != null ? "cluster '" + other + "' also is"
                : "the user configures with mesh.services." + name + ".xds.cluster=" + users)
            + "; the previous routes stay in force";
        log.error(message);
        listener.onError(new MeshException(message));
        return;
      }
      derived.put(cluster, name);
      keys.put("mesh.services." + name + ".discovery", "xds");
      keys.put("mesh.services." + name + ".xds.cluster", cluster);
    }
    Map<String, String> during = new HashMap<>(publishedKeys);
    during.putAll(keys); // old and new targets both exist while the router switches
    Map<String, String> target = Map.copyOf(keys);
    long g = ++generation;
    RequestRouter router = new XdsRequestRouter(listenerName, routes.table(),
        cluster -> derived.getOrDefault(cluster, DerivedServiceNames.of(cluster)), name -> {
          Refusal refused = refusals.get(name);
          return refused == null ? null : refused.decision();
        });
    List<String> targets = List.copyOf(derived.values());
    overlay.put(owner, during).whenComplete((ok, failure) -> onDerivedServicesApplied(g, router, target, targets,
        failure, origin));
  }

  private synchronized void onDerivedServicesApplied(long g, RequestRouter router, Map<String, String> keys,
      List<String> targets, Throwable failure, String origin) {
    if (closed || g != generation) {
      return;
    }
    if (failure != null) {
      String message = origin + " (service '" + service + "'): its clusters could not be added as mesh services ("
          + overlay.source() + "): " + ClusterDiscovery.rootMessage(failure) + "; the previous routes stay in force";
      log.error(message);
      listener.onError(new MeshException(message, failure));
      return;
    }
    // the targets exist now; wait (bounded) for their first answer, so that requests routed from now
    // on find them configured with their clusters' settings (TLS mode, balancer) and endpoints
    // a target that was not started (nothing registered) is not waited for
    CompletableFuture<Void> all = CompletableFuture.allOf(targets.stream()
        .map(readiness::get).filter(java.util.Objects::nonNull)
        .toArray(CompletableFuture[]::new));
    ScheduledFuture<?> timer = all.isDone() ? null : waitAtMost(all);
    all.whenComplete((ok, ignored) -> {
      if (timer != null) {
        timer.cancel(false);
      }
      onTargetsReady(g, router, keys);
    });
  }

  private ScheduledFuture<?> waitAtMost(CompletableFuture<Void> all) {
    try {
      return scheduler.schedule(() -> all.complete(null), TARGETS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      all.complete(null); // the client is closing: nothing to wait for
      return null;
    }
  }

  private synchronized void onTargetsReady(long g, RequestRouter router, Map<String, String> keys) {
    if (closed || g != generation) {
      return;
    }
    publish(router);
    publishedKeys = keys;
    withdrawLater(g, keys);
  }

  /** Withdraws the clusters no route names any more, once the new router is in force. */
  private void withdrawLater(long g, Map<String, String> keys) {
    try {
      scheduler.schedule(() -> {
        synchronized (this) {
          if (closed || g != generation) {
            return; // a newer change withdraws what it must
          }
          overlay.put(owner, keys);
        }
      }, WITHDRAW_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the client is closing: everything is withdrawn anyway
    }
  }

  private void publish(RequestRouter router) {
    listener.onUpdate(new DiscoveryUpdate(List.of(), ClusterDiscovery.withRouter(attributes, router), true));
  }

  /** The listener or its routes are gone: every request fails with "no route", saying so. */
  private synchronized void onMissing(String reason, boolean listenerGone) {
    if (closed) {
      return;
    }
    if (ignoreResourceDeletion && listenerReceived) {
      log.info("{} any more; the last routes are kept, as the server asks (ignore_resource_deletion)", reason);
      return;
    }
    log.info("{}: requests to service '{}' fail with no route", reason, service);
    if (listenerGone) {
      cancelRoutes();
    }
    generation++;
    RouteDecision none = RouteDecision.noRoute(reason);
    publish(new RequestRouter() {
      @Override
      public RouteDecision route(okhttp3.Request request) {
        return none;
      }

      @Override
      public String toString() {
        return "no route: " + reason;
      }
    });
    publishedKeys = Map.of();
    overlay.put(owner, Map.of());
  }

  private void fail(String message) {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    listener.onError(new MeshException(message));
  }

  /** The stream pushes every change: nothing to ask for. */
  @Override
  public void refresh() {}

  @Override
  public void close() {
    Runnable rds;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      rds = cancelRds;
      cancelRds = null;
    }
    cancelLds.run();
    if (rds != null) {
      rds.run();
    }
    overlay.put(owner, Map.of());
  }
}
