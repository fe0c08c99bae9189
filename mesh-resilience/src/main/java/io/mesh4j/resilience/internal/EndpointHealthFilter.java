package io.mesh4j.resilience.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.spi.EndpointFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The selection half of outlier detection and health checks: leaves out ejected and unhealthy
 * endpoints, unless that leaves fewer than {@code panic-threshold} percent of them: then it returns
 * all (panic mode, as Envoy), since spreading load over sick endpoints beats sending it all to
 * the few left or failing every request. Also how the module learns which endpoints to probe.
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
    for (Endpoint e : discovered) {
      if ((outliers == null || !outliers.isEjected(e)) && (health == null || !health.isUnhealthy(e))) {
        eligible.add(e);
      }
    }
    boolean panic =
        !discovered.isEmpty()
            && eligible.size() * 100L < (long) service.panicThreshold() * discovered.size();
    service.panic().update(panic, eligible.size(), discovered.size());
    return panic ? discovered : eligible;
  }

  @Override
  public String toString() {
    return "mesh-resilience endpoint health filter";
  }
}
