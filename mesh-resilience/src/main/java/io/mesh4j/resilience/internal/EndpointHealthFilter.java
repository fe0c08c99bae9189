package io.mesh4j.resilience.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PriorityLoad;
import io.mesh4j.spi.EndpointFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The selection half of outlier detection and health checks: leaves out ejected and unhealthy
 * endpoints. It asks for panic mode with the service's {@code panic-threshold} and leaves applying
 * it to the mesh's balancer, which knows the priorities: a priority whose healthy share is below the
 * threshold balances over all its endpoints when the priorities together lack healthy capacity (as
 * Envoy; {@link PriorityLoad}), since spreading load over sick endpoints beats sending it all to
 * the few left or failing every request. It reports panic as the balancer will apply it. Also how
 * the module learns which endpoints to probe.
 */
final class EndpointHealthFilter implements EndpointFilter {

  private final Map<String, ServiceResilience> services;

  EndpointHealthFilter(Map<String, ServiceResilience> services) {
    this.services = services;
  }

  @Override
  public List<Endpoint> filter(String serviceName, List<Endpoint> discovered) {
    ServiceResilience service = services.get(serviceName);
    if (service == null) {
      return discovered;
    }
    OutlierDetector outliers = service.outlierDetector();
    HealthChecker health = service.healthChecker();
    if (outliers != null) {
      outliers.track(discovered);
    }
    if (health != null) {
      health.track(discovered);
    }
    if (outliers == null && health == null) {
      // both switched off (perhaps live, while in panic): every endpoint is eligible again
      service.panic().update(false, discovered.size(), discovered.size());
      return discovered;
    }
    List<Endpoint> eligible = new ArrayList<>(discovered.size());
    List<Endpoint> excluded = new ArrayList<>();
    for (Endpoint e : discovered) {
      boolean out = (outliers != null && outliers.isEjected(e)) || (health != null && health.isUnhealthy(e));
      (out ? excluded : eligible).add(e);
    }
    boolean panic = !excluded.isEmpty()
        && PriorityLoad.of(eligible, excluded, service.overprovisioningFactor(), service.panicThreshold()).panic();
    service.panic().update(panic, eligible.size(), discovered.size());
    return eligible;
  }

  @Override
  public int panicThreshold(String serviceName) {
    ServiceResilience service = services.get(serviceName);
    if (service == null || (service.outlierDetector() == null && service.healthChecker() == null)) {
      return 0;
    }
    return service.panicThreshold();
  }

  @Override
  public String toString() {
    return "mesh-resilience endpoint health filter";
  }
}
