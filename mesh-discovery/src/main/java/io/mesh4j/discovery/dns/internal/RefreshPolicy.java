package io.mesh4j.discovery.dns.internal;

import io.mesh4j.config.ValueParsers;
import java.time.Duration;
import java.util.Optional;

/**
 * When a name is resolved again: after its records' TTL clamped to [min-ttl, max-ttl]; after a
 * failure, after min-ttl doubling with each further failure up to {@link #RETRY_CAP} (kept within
 * the bounds), so a DNS server that is down is not hammered, nor forgotten for max-ttl.
 */
public record RefreshPolicy(Duration minTtl, Duration maxTtl) {

  /** The shortest bound allowed: a TTL of 0 must not turn into a busy loop. */
  public static final Duration SHORTEST = Duration.ofMillis(100);

  /** The longest bound allowed. */
  public static final Duration LONGEST = Duration.ofDays(1);

  /** The longest wait between retries of a failing lookup, unless max-ttl is shorter or min-ttl longer. */
  public static final Duration RETRY_CAP = Duration.ofSeconds(30);

  public RefreshPolicy {
    problem(minTtl, maxTtl).ifPresent(message -> {
      throw new IllegalArgumentException("mesh.discovery.dns.max-ttl " + message);
    });
  }

  public static RefreshPolicy of(Duration minTtl, Duration maxTtl) {
    return new RefreshPolicy(minTtl, maxTtl);
  }

  /** What is wrong with the bounds, if anything, phrased for {@code mesh.discovery.dns.max-ttl}. */
  public static Optional<String> problem(Duration minTtl, Duration maxTtl) {
    if (maxTtl.compareTo(minTtl) < 0) {
      return Optional.of("must be at least mesh.discovery.dns.min-ttl (" + ValueParsers.formatDuration(minTtl)
          + "): the TTL of records is clamped between the two");
    }
    return Optional.empty();
  }

  /** The wait before the next lookup of records that live {@code ttlSeconds}. */
  public Duration afterAnswer(long ttlSeconds) {
    Duration ttl = Duration.ofSeconds(Math.max(0, Math.min(ttlSeconds, LONGEST.toSeconds())));
    return clamp(ttl);
  }

  /** The wait before retrying after {@code consecutiveFailures} (1 for the first) failed lookups. */
  public Duration afterFailure(int consecutiveFailures) {
    Duration cap = clamp(RETRY_CAP);
    int doublings = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
    Duration wait = minTtl.multipliedBy(1L << doublings);
    return wait.compareTo(cap) > 0 ? cap : wait;
  }

  private Duration clamp(Duration d) {
    if (d.compareTo(minTtl) < 0) {
      return minTtl;
    }
    return d.compareTo(maxTtl) > 0 ? maxTtl : d;
  }
}
