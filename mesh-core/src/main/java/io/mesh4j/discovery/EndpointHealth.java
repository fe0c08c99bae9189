package io.mesh4j.discovery;

import java.util.Locale;

/**
 * An endpoint's health as its discovery source reports it (Kubernetes conditions, xDS
 * {@code HealthStatus}); the mesh's own checks (outlier detection, health checks) come on top.
 */
public enum EndpointHealth {
  /** Takes traffic (also what a source that knows nothing of health reports). */
  HEALTHY,
  /** Being taken out: finishes what it has, gets no new requests unless nothing else is left. */
  DRAINING,
  /** Gets no requests unless nothing else is left. */
  UNHEALTHY;

  /** The lower-case name used in properties ({@code health=draining}). */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code healthy}, {@code draining} or {@code unhealthy}. */
  public static EndpointHealth parse(String text) {
    for (EndpointHealth h : values()) {
      if (h.text().equals(text.trim())) {
        return h;
      }
    }
    throw new IllegalArgumentException("health '" + text.trim() + "' is not one of healthy, draining, unhealthy");
  }
}
