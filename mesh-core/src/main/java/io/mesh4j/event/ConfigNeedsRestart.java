package io.mesh4j.event;

import java.util.List;

/**
 * A configuration change touched keys that only take effect when the client is created again
 * ({@code mesh.service}, {@code mesh.tls.source}, ...). The rest of the change was applied; these
 * keys keep their running values.
 */
public record ConfigNeedsRestart(String origin, List<String> keys) implements MeshEvent {
  public ConfigNeedsRestart {
    keys = List.copyOf(keys);
  }

  @Override
  public String service() {
    return null;
  }
}
