package io.mesh4j.discovery;

import java.util.List;
import java.util.Objects;

/**
 * What the mesh knows of one service's endpoints right now, for metrics and diagnostics: the last
 * good answer, and the error of the last attempt if it failed.
 *
 * @param service the logical service name
 * @param discovered the last list discovery reported (empty before the first)
 * @param eligible the endpoints taking traffic after source health and endpoint filters
 *     (ejections, health checks)
 * @param attributes the service attributes of the last good answer
 * @param lastUpdateNanos monotonic time of the last snapshot or error, or -1 before the first
 * @param lastError the error of the last discovery attempt if it failed, else null; the mesh
 *     then keeps serving {@code discovered}
 */
public record DiscoveryStatus(
    String service,
    List<Endpoint> discovered,
    List<Endpoint> eligible,
    ServiceAttributes attributes,
    long lastUpdateNanos,
    Throwable lastError) {

  public DiscoveryStatus {
    discovered = List.copyOf(discovered);
    eligible = List.copyOf(eligible);
    attributes = Objects.requireNonNullElse(attributes, ServiceAttributes.EMPTY);
  }
}
