package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import io.mesh4j.resilience.ResilienceExtension;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import java.util.Map;
import java.util.Optional;
import org.springframework.util.ClassUtils;

/** mesh-resilience's view of a service; only touched when mesh-resilience is on the classpath. */
final class ResilienceDetails {

  static final boolean AVAILABLE =
      ClassUtils.isPresent("io.mesh4j.resilience.ResilienceExtension", ResilienceDetails.class.getClassLoader());

  private ResilienceDetails() {}

  /** Adds circuit, ejected, unhealthy and panic to {@code details}; returns the circuit state's name or null. */
  static String addTo(MeshClient mesh, String service, Map<String, Object> details) {
    Optional<ServiceResilienceSnapshot> snapshot =
        mesh.extension(ResilienceExtension.class).flatMap(r -> r.snapshot(service));
    if (snapshot.isEmpty()) {
      return null;
    }
    ServiceResilienceSnapshot s = snapshot.get();
    details.put("circuit", s.circuitState().name());
    details.put("ejected", MeshHealthIndicator.authorities(s.ejected()));
    details.put("unhealthy", MeshHealthIndicator.authorities(s.unhealthy()));
    details.put("panic", s.panic());
    return s.circuitState().name();
  }
}
