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

  private ServiceKeys() {}
}
