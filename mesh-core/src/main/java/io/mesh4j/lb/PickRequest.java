package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.Set;

/**
 * What a {@link Picker} may look at to choose an endpoint for one attempt.
 *
 * @param hashKey the value of the service's configured hash header (ring-hash, maglev), or null when
 *     the request has none; policies that do not hash ignore it
 * @param avoid endpoints already tried by this logical request; a picker prefers others and falls
 *     back to one of these only when nothing else is left
 */
public record PickRequest(String hashKey, Set<Endpoint> avoid) {

  private static final PickRequest EMPTY = new PickRequest(null, Set.of());

  public PickRequest {
    avoid = avoid == null ? Set.of() : avoid;
  }

  public static PickRequest empty() {
    return EMPTY;
  }

  public static PickRequest withHashKey(String hashKey) {
    return new PickRequest(hashKey, Set.of());
  }
}
