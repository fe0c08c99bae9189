package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The mesh's health ({@code /actuator/health/mesh}). Rules, from the most severe:
 *
 * <ul>
 *   <li>OUT_OF_SERVICE: the MeshClient is closed (the context is shutting down).
 *   <li>DOWN: this workload's SVID has expired (no mTLS call can succeed), or a service listed in
 *       {@code mesh4j.spring.health.required-services} has no eligible endpoint or an open circuit.
 *   <li>UP otherwise. A service that is not required shows {@code "status": "DOWN"} in its own
 *       details but does not make the application DOWN: an optional downstream being unavailable
 *       is no reason for a load balancer or orchestrator to pull this instance (Spring Cloud's
 *       discovery and resilience4j's circuit-breaker indicators keep the application UP by default
 *       for the same reason).
 * </ul>
 *
 * <p>A required service that is not a configured mesh service (a typo, a removed service) is
 * logged as a WARN when the indicator is created and shown with {@code "status": "UNKNOWN"}.
 */
public final class MeshHealthIndicator extends AbstractHealthIndicator {

  private static final Logger log = LoggerFactory.getLogger(MeshHealthIndicator.class);

  private final MeshClient mesh;
  private final Set<String> requiredServices;

  public MeshHealthIndicator(MeshClient mesh, List<String> requiredServices) {
    super("mesh4j health check failed");
    this.mesh = mesh;
    this.requiredServices = Set.copyOf(requiredServices);
    List<String> unknown = unknownRequired();
    if (!unknown.isEmpty()) {
      log.warn("mesh4j.spring.health.required-services names services that are not configured in the mesh: {} "
              + "(configured: {}); shown as UNKNOWN in /actuator/health/mesh, they cannot make the application DOWN",
          unknown, mesh.config().services().keySet().stream().sorted().toList());
    }
  }

  /** Required services that are not (or no longer) configured mesh services, sorted. */
  private List<String> unknownRequired() {
    Set<String> configured = mesh.config().services().keySet();
    return requiredServices.stream().filter(name -> !configured.contains(name)).sorted().toList();
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (mesh.isClosed()) {
      builder.outOfService().withDetail("reason", "the MeshClient is closed");
      return;
    }
    Status status = Status.UP;
    builder.withDetail("service", mesh.config().service());
    Optional<Map<String, Object>> svid = optionalTls();
    if (svid.isPresent()) {
      builder.withDetail("svid", svid.get());
      if (svid.get().get("secondsToExpiry") instanceof Long left && left <= 0) {
        status = Status.DOWN;
      }
    }
    Map<String, Object> services = new LinkedHashMap<>();
    for (String name : mesh.config().services().keySet()) {
      Map<String, Object> details = serviceDetails(name);
      services.put(name, details);
      boolean serviceDown = "DOWN".equals(details.get("status"));
      if (serviceDown && requiredServices.contains(name)) {
        status = Status.DOWN;
      }
    }
    for (String name : unknownRequired()) {
      services.put(name, Map.of("status", Status.UNKNOWN.getCode(), "reason", "not a configured mesh service"));
    }
    builder.withDetail("services", services);
    if (!requiredServices.isEmpty()) {
      builder.withDetail("requiredServices", requiredServices.stream().sorted().toList());
    }
    builder.status(status);
  }

  private Map<String, Object> serviceDetails(String name) {
    Map<String, Object> d = new LinkedHashMap<>();
    Optional<DiscoveryStatus> discovery = mesh.discoveryStatus(name);
    int eligible = discovery.map(s -> s.eligible().size()).orElse(0);
    d.put("discovered", discovery.map(s -> s.discovered().size()).orElse(0));
    d.put("eligible", eligible);
    discovery.map(DiscoveryStatus::lastError).ifPresent(e -> d.put("lastDiscoveryError", String.valueOf(e.getMessage())));
    String circuit = null;
    if (ResilienceDetails.AVAILABLE) {
      circuit = ResilienceDetails.addTo(mesh, name, d);
    }
    boolean down = eligible == 0 || "OPEN".equals(circuit);
    d.put("status", down ? "DOWN" : "UP");
    return d;
  }

  private Optional<Map<String, Object>> optionalTls() {
    return TlsDetails.AVAILABLE ? TlsDetails.of(mesh) : Optional.empty();
  }

  static List<String> authorities(Set<Endpoint> endpoints) {
    return endpoints.stream().map(Endpoint::authority).sorted().toList();
  }
}
