package io.mesh4j.config;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which configuration a client runs now and how the last change went: for diagnostics ({@code
 * MeshClient#configStatus()}) and health endpoints. Immutable.
 */
public final class ConfigStatus {

  /** A change that was refused: when, from where, and every problem in it. */
  public record Rejection(Instant at, String origin, List<ConfigProblem> problems) {
    public Rejection {
      Objects.requireNonNull(at, "at");
      problems = List.copyOf(problems);
    }
  }

  private final long version;
  private final String origin;
  private final Instant appliedAt;
  private final List<String> restartRequired;
  private final Rejection lastRejection;
  private final java.util.Map<String, java.util.Map<String, String>> overlays;

  public ConfigStatus(
      long version, String origin, Instant appliedAt, List<String> restartRequired, Rejection lastRejection) {
    this(version, origin, appliedAt, restartRequired, lastRejection, java.util.Map.of());
  }

  /**
   * @param overlays the properties each configuration overlay contributes now, by overlay name
   *     (see {@link ConfigOverlay}); the user's keys win over them
   */
  public ConfigStatus(long version, String origin, Instant appliedAt, List<String> restartRequired,
      Rejection lastRejection, java.util.Map<String, java.util.Map<String, String>> overlays) {
    java.util.Map<String, java.util.Map<String, String>> copy = new java.util.TreeMap<>();
    overlays.forEach((name, properties) -> copy.put(name, java.util.Collections.unmodifiableSortedMap(
        new java.util.TreeMap<>(properties))));
    this.overlays = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(copy));
    this.version = version;
    this.origin = Objects.requireNonNull(origin, "origin");
    this.appliedAt = Objects.requireNonNull(appliedAt, "appliedAt");
    this.restartRequired = List.copyOf(restartRequired);
    this.lastRejection = lastRejection;
  }

  /** 1 for the configuration the client started with, then +1 per applied change. */
  public long version() {
    return version;
  }

  /** Where the running configuration came from: the file name, or {@code MeshClient.apply}. */
  public String origin() {
    return origin;
  }

  /** When the running configuration was applied. */
  public Instant appliedAt() {
    return appliedAt;
  }

  /** Keys changed since the start whose new values wait for a new client; empty when none. */
  public List<String> restartRequired() {
    return restartRequired;
  }

  /**
   * The properties each configuration overlay (e.g. "xds") contributes now, by overlay name, as
   * the overlay set them: where a key is also the user's, the user's value is the one in force.
   */
  public java.util.Map<String, java.util.Map<String, String>> overlays() {
    return overlays;
  }

  /** The last refused change, if one was refused after the running configuration was applied. */
  public Optional<Rejection> lastRejection() {
    return Optional.ofNullable(lastRejection);
  }

  @Override
  public String toString() {
    return "ConfigStatus{version=" + version + ", origin=" + origin + ", appliedAt=" + appliedAt
        + (restartRequired.isEmpty() ? "" : ", restartRequired=" + restartRequired)
        + (overlays.isEmpty() ? "" : ", overlays=" + overlays.keySet())
        + (lastRejection == null ? "" : ", lastRejection=" + lastRejection.problems().size() + " problems at "
            + lastRejection.at())
        + "}";
  }
}
