package io.mesh4j.internal.runtime;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ServiceKeys;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.spi.ServiceSnapshot;
import java.time.Duration;

/**
 * A service as one request sees it from start to end: its configuration, discovery attributes,
 * the balancer it picks from, and the values the pipeline reads per request, resolved once.
 * Immutable; the route publishes a new one when any of these change.
 */
public final class RouteSnapshot implements ServiceSnapshot {

  private final ServiceRoute route;
  private final ServiceConfig config;
  private final ServiceAttributes attributes;
  private final Balancer balancer;
  private final String hashHeader;
  private final Duration timeout;
  private final Duration initialWait;
  private final io.mesh4j.routing.RequestRouter router;
  private final boolean demandsSecurity;
  private final String timeoutSource; // what the timeout is when a route's override set it; null: the service's own
  private final RouteSnapshot base; // the snapshot this one derives a route's overrides from; this when none
  /**
   * Snapshots with a route's overrides (or why they are invalid), by the overrides map: found by
   * identity first, then by content, so nothing is parsed per request.
   */
  private volatile Derived[] derived = NONE;

  /** A route's overrides and what they give: a snapshot, or the reason they are invalid. */
  private record Derived(
      String routedFrom, java.util.Map<String, String> overrides, RouteSnapshot snapshot, String invalid) {}

  private static final Derived[] NONE = new Derived[0];
  /** Distinct override sets to one service are few (one per route); past this many, the oldest is dropped. */
  static final int MAX_DERIVED = 256;

  RouteSnapshot(ServiceRoute route, ServiceConfig config, ServiceAttributes attributes, Balancer balancer,
      String hashHeader) {
    this(route, config, attributes, balancer, hashHeader, null, null);
  }

  private RouteSnapshot(ServiceRoute route, ServiceConfig config, ServiceAttributes attributes, Balancer balancer,
      String hashHeader, RouteSnapshot base, String timeoutSource) {
    this.base = base == null ? this : base;
    this.timeoutSource = timeoutSource;
    this.route = route;
    this.config = config;
    this.attributes = attributes;
    this.balancer = balancer;
    this.hashHeader = hashHeader;
    this.timeout = config.get(ServiceKeys.TIMEOUT);
    this.initialWait = config.get(ServiceKeys.DISCOVERY_INITIAL_WAIT);
    this.router = attributes.get(ServiceAttributes.REQUEST_ROUTER);
    this.demandsSecurity = router != null && demandsSecurity(route.schema(), config);
  }

  /** A routing service that sets tls.mode (other than disabled) or identity must not route to plaintext. */
  private static boolean demandsSecurity(io.mesh4j.config.ConfigSchema schema, ServiceConfig config) {
    io.mesh4j.config.ConfigKey<?> identity = schema.serviceKey("identity").orElse(null);
    if (identity != null && config.isSet(identity)) {
      return true;
    }
    io.mesh4j.config.ConfigKey<?> mode = schema.serviceKey("tls.mode").orElse(null);
    return mode != null && config.isSet(mode) && !"disabled".equalsIgnoreCase(String.valueOf(config.get(mode)));
  }

  /**
   * True for a routing service whose configuration asks for mTLS ({@code tls.mode} other than
   * disabled, or an {@code identity}): its requests must not reach a target called over plaintext.
   */
  public boolean demandsSecurity() {
    return demandsSecurity;
  }

  /**
   * The service's own snapshot this one was derived from by {@link #withOverrides}; this one when
   * not derived. Overrides never touch TLS keys, so transport security uses it (and its caches hit).
   */
  public RouteSnapshot base() {
    return base;
  }

  /** The router of a routing service (see {@link io.mesh4j.routing.RequestRouter}), or null. */
  public io.mesh4j.routing.RequestRouter router() {
    return router;
  }

  /**
   * This snapshot with a route's overrides of its keys: the same balancer, attributes and
   * identity, a configuration with the overrides set. Derived once per overrides map and snapshot
   * (looked up by identity, then by content), invalid ones too; this snapshot itself when there are
   * none. An override of a key no module declares (e.g. retry.* without mesh-resilience) is dropped
   * with one WARN per routing service and key.
   *
   * @param routedFrom the routing service whose route these overrides are (for the warning)
   * @throws IllegalArgumentException naming the override that is not allowed or does not parse
   */
  public RouteSnapshot withOverrides(String routedFrom, java.util.Map<String, String> overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    Derived[] known = derived;
    Derived found = null;
    for (Derived d : known) {
      if (d.overrides() == overrides && d.routedFrom().equals(routedFrom)) {
        found = d;
        break;
      }
    }
    if (found == null) {
      for (Derived d : known) { // a router that builds equal maps anew: a content hit, no parse
        if (d.overrides().equals(overrides) && d.routedFrom().equals(routedFrom)) {
          found = d;
          break;
        }
      }
    }
    if (found == null) {
      found = derive(routedFrom, overrides);
      int keep = Math.min(known.length, MAX_DERIVED - 1);
      Derived[] next = new Derived[keep + 1];
      System.arraycopy(known, known.length - keep, next, 0, keep);
      next[keep] = found;
      derived = next; // a lost race only costs another parse
    }
    if (found.invalid() != null) {
      throw new IllegalArgumentException(found.invalid());
    }
    return found.snapshot();
  }

  private Derived derive(String routedFrom, java.util.Map<String, String> overrides) {
    java.util.Map<String, String> copy = java.util.Map.copyOf(overrides); // the cache's key must not change
    try {
      java.util.Map<io.mesh4j.config.ConfigKey<?>, Object> parsed = RouteOverrides.parse(route.schema(), copy,
          key -> route.warnMissingOverrideOnce(routedFrom, key));
      if (parsed.isEmpty()) {
        return new Derived(routedFrom, copy, this, null);
      }
      ServiceConfig overridden = config.withOverrides(parsed);
      String timeoutSource = copy.containsKey("timeout") ? "the timeout of the route of service '" + routedFrom + "'"
          : null;
      return new Derived(routedFrom, copy, new RouteSnapshot(
          route, overridden, attributes, balancer, route.hashHeader(overridden), this, timeoutSource), null);
    } catch (IllegalArgumentException e) {
      return new Derived(routedFrom, copy, null, e.getMessage());
    }
  }

  @Override
  public String name() {
    return route.name();
  }

  @Override
  public ServiceConfig config() {
    return config;
  }

  @Override
  public ServiceAttributes attributes() {
    return attributes;
  }

  public ServiceRoute route() {
    return route;
  }

  /** The name of the load-balancing policy this snapshot picks with. */
  public String policyName() {
    return balancer.policyName();
  }

  /** The request header whose value is the hash key for consistent-hash policies, or null. */
  public String hashHeader() {
    return hashHeader;
  }

  /** The whole-request deadline ({@code timeout}), or null for none. */
  public Duration timeout() {
    return timeout;
  }

  /** What {@link #timeout()} is when a route's override set it ("the timeout of the route of ..."); null otherwise. */
  public String timeoutSource() {
    return timeoutSource;
  }

  /** How long a request waits for discovery's first answer. */
  public Duration initialWait() {
    return initialWait;
  }

  /**
   * A pick from this snapshot's balancer. When the policy was switched before it ever had
   * endpoints (so the old one will never have any), the route's current balancer answers instead.
   */
  public PickResult pick(PickRequest request) {
    PickResult result = balancer.pick(request);
    if (result.isPending() && balancer.isClosed()) {
      RouteSnapshot now = route.current();
      if (now != this) {
        return now.pick(request);
      }
    }
    return result;
  }

  /**
   * Waits until the balancer this snapshot picks from (or, when it was switched before it had
   * endpoints, the route's current one) has published a picker, at most the given time.
   */
  public void awaitPicker(long timeoutNanos) throws InterruptedException {
    Balancer b = balancer.isClosed() ? route.current().balancer : balancer;
    b.awaitReady(timeoutNanos);
  }

  @Override
  public String toString() {
    return "RouteSnapshot{" + name() + ", lb=" + policyName() + "}";
  }
}
