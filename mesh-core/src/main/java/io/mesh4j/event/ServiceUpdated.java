package io.mesh4j.event;

import java.util.Set;

/**
 * A service's configuration changed while it runs.
 *
 * @param changedKeys the keys whose value changed, relative to {@code mesh.services.<name>.}
 */
public record ServiceUpdated(String service, Set<String> changedKeys) implements MeshEvent {
  public ServiceUpdated {
    changedKeys = Set.copyOf(changedKeys);
  }
}
