package io.mesh4j.discovery;

import java.util.Objects;

/**
 * Where an endpoint (or this workload) runs: region, zone and sub-zone, as Envoy and Kubernetes
 * name them. Any part may be empty (unknown). Immutable.
 */
public record Locality(String region, String zone, String subZone) {

  /** Nothing known. */
  public static final Locality UNKNOWN = new Locality("", "", "");

  public Locality {
    region = Objects.requireNonNullElse(region, "").trim();
    zone = Objects.requireNonNullElse(zone, "").trim();
    subZone = Objects.requireNonNullElse(subZone, "").trim();
  }

  /** A locality with only a zone. */
  public static Locality zone(String zone) {
    return new Locality("", zone, "");
  }

  /** True when no part is known. */
  public boolean isUnknown() {
    return region.isEmpty() && zone.isEmpty() && subZone.isEmpty();
  }

  @Override
  public String toString() {
    return isUnknown() ? "unknown" : region + "/" + zone + "/" + subZone;
  }
}
