package io.mesh4j.config;

import java.time.Duration;

/** Per-service keys of mesh-core that modules read too. */
public final class ServiceKeys {

  /** {@code mesh.services.<name>.timeout}: deadline for the whole request, all attempts. */
  public static final ConfigKey<Duration> TIMEOUT =
      ConfigKey.service("timeout", ValueParsers.positiveDuration())
          .description("Deadline for the whole request across all attempts, including reading the body.")
          .build();

  /** {@code mesh.services.<name>.discovery.initial-wait}: how long a request waits for a first answer. */
  public static final ConfigKey<Duration> DISCOVERY_INITIAL_WAIT =
      ConfigKey.service("discovery.initial-wait", ValueParsers.duration(Duration.ZERO))
          .defaultValue(Duration.ofSeconds(5))
          .description("How long a request waits for discovery's first answer before failing.")
          .build();

  /** {@code mesh.services.<name>.discovery.empty-grace}: how long a non-authoritative empty answer is held back. */
  public static final ConfigKey<Duration> DISCOVERY_EMPTY_GRACE =
      ConfigKey.service("discovery.empty-grace", ValueParsers.duration(Duration.ZERO, Duration.ofHours(1)))
          .defaultValue(Duration.ofSeconds(10))
          .description("How long the last endpoints keep serving when discovery suddenly answers with none"
              + " (unless the source is sure, as a configuration is); 0s applies an empty answer at once.")
          .build();

  private ServiceKeys() {}
}
