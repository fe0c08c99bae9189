package io.mesh4j.event;

import io.mesh4j.config.ConfigDiff;

/**
 * A new configuration took effect.
 *
 * @param version the client's config version now (1 at startup, +1 per applied change)
 * @param origin where it came from: a file name, or {@code MeshClient.apply}
 * @param diff what changed against the previous version
 */
public record ConfigApplied(long version, String origin, ConfigDiff diff) implements MeshEvent {
  @Override
  public String service() {
    return null;
  }
}
