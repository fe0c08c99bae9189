package io.mesh4j.discovery.dns.internal;

import io.mesh4j.discovery.Endpoint;
import java.util.List;
import java.util.Set;

/**
 * What one lookup of a service found: its endpoints (sorted, so equal answers compare equal
 * whatever order the server rotated its records into), how long that holds (seconds), and the SRV
 * targets that had no address (worth a warning: a typo in a zone, a host not yet registered).
 */
record Resolution(List<Endpoint> endpoints, long ttlSeconds, Set<String> unresolvedTargets) {

  Resolution {
    endpoints = List.copyOf(endpoints);
    unresolvedTargets = Set.copyOf(unresolvedTargets);
  }
}
