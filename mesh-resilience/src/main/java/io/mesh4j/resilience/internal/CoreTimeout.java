package io.mesh4j.resilience.internal;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import java.time.Duration;

/**
 * Reads mesh-core's {@code timeout} key (the deadline of a whole request), which core declares
 * but does not export. {@link ServiceConfig#get} looks values up by the key's name, so a key with
 * the same name and value type reads what core parsed. It is never declared here: core owns it.
 */
final class CoreTimeout {

  private static final ConfigKey<Duration> TIMEOUT =
      ConfigKey.service("timeout", ValueParsers.positiveDuration()).build();

  private CoreTimeout() {}

  /** The service's {@code timeout}, or null when none is set. */
  static Duration of(ServiceConfig config) {
    Object value = config.get(TIMEOUT);
    return value instanceof Duration d ? d : null;
  }
}
