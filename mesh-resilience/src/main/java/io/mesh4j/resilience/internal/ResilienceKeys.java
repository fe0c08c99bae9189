package io.mesh4j.resilience.internal;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import java.time.Duration;
import java.util.List;

/** Every per-service key of mesh-resilience; docs/resilience.md describes them. */
public final class ResilienceKeys {

  private ResilienceKeys() {}

  // --- circuit breaker ---------------------------------------------------------------------

  public static final ConfigKey<Boolean> CB_ENABLED =
      ConfigKey.service("circuit-breaker.enabled", ValueParsers.bool())
          .defaultValue(true)
          .description("Whether the service has a circuit breaker.")
          .build();
  public static final ConfigKey<Double> CB_FAILURE_RATE =
      ConfigKey.service("circuit-breaker.failure-rate-threshold", ValueParsers.decimal(1, 100))
          .defaultValue(50.0)
          .description("Percentage of failed requests in the window at which the circuit opens.")
          .build();
  public static final ConfigKey<Duration> CB_SLOW_CALL_DURATION =
      ConfigKey.service("circuit-breaker.slow-call-duration", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(60))
          .description("A request slower than this (to response headers) counts as slow.")
          .build();
  public static final ConfigKey<Double> CB_SLOW_CALL_RATE =
      ConfigKey.service("circuit-breaker.slow-call-rate-threshold", ValueParsers.decimal(1, 100))
          .defaultValue(100.0)
          .description("Percentage of slow requests in the window at which the circuit opens.")
          .build();
  public static final ConfigKey<String> CB_WINDOW_TYPE =
      ConfigKey.service("circuit-breaker.sliding-window-type", ValueParsers.oneOf("count", "time"))
          .defaultValue("count")
          .description("count: the last N requests; time: the requests of the last N seconds.")
          .build();
  public static final ConfigKey<Integer> CB_WINDOW_SIZE =
      ConfigKey.service("circuit-breaker.sliding-window-size", ValueParsers.integer(1, 10_000))
          .defaultValue(100)
          .description("Requests (count window) or seconds (time window) the failure rate is computed over.")
          .build();
  public static final ConfigKey<Integer> CB_MINIMUM_CALLS =
      ConfigKey.service("circuit-breaker.minimum-calls", ValueParsers.integer(1, 10_000))
          .defaultValue(20)
          .description("Requests the window must hold before the failure rate can open the circuit.")
          .build();
  public static final ConfigKey<Duration> CB_OPEN_DURATION =
      ConfigKey.service("circuit-breaker.open-duration", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(30))
          .description("How long an open circuit fails fast before letting trial requests through.")
          .build();
  public static final ConfigKey<Integer> CB_HALF_OPEN_CALLS =
      ConfigKey.service("circuit-breaker.half-open-calls", ValueParsers.integer(1, 1000))
          .defaultValue(10)
          .description("Trial requests in half-open state that decide whether the circuit closes.")
          .build();
  public static final ConfigKey<StatusSet> CB_FAILURE_STATUSES =
      ConfigKey.service("circuit-breaker.failure-statuses", StatusSet.PARSER)
          .defaultValue(StatusSet.parse("500-599"))
          .description("Response statuses the circuit breaker and outlier detection count as failures.")
          .build();

  // --- bulkhead ----------------------------------------------------------------------------

  public static final ConfigKey<Boolean> BULKHEAD_ENABLED =
      ConfigKey.service("bulkhead.enabled", ValueParsers.bool())
          .defaultValue(true)
          .description("Whether concurrent requests to the service are limited.")
          .build();
  public static final ConfigKey<Integer> BULKHEAD_MAX_CONCURRENT =
      ConfigKey.service("bulkhead.max-concurrent-requests", ValueParsers.integer(1, 1_000_000))
          .defaultValue(1024)
          .description("Requests to the service in flight at once (until the response body is closed).")
          .build();
  public static final ConfigKey<Duration> BULKHEAD_MAX_WAIT =
      ConfigKey.service("bulkhead.max-wait", ValueParsers.duration(Duration.ZERO))
          .defaultValue(Duration.ZERO)
          .description("How long a request may wait for a free slot before failing; 0 fails at once.")
          .build();

  // --- retries -----------------------------------------------------------------------------

  public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS =
      ConfigKey.service("retry.max-attempts", ValueParsers.integer(1, 10))
          .defaultValue(2)
          .description("Attempts per request, the first included; 1 turns retries off.")
          .build();
  public static final ConfigKey<RetryOn> RETRY_ON =
      ConfigKey.service("retry.on", RetryOn.PARSER)
          .defaultValue(RetryOn.parse(RetryOn.DEFAULT))
          .description("Which failures are retried: connect-failure, reset, timeout, 5xx, status codes.")
          .build();
  public static final ConfigKey<Duration> RETRY_BACKOFF_BASE =
      ConfigKey.service("retry.backoff.base", ValueParsers.duration(Duration.ZERO))
          .defaultValue(Duration.ofMillis(25))
          .description("Base of the exponential backoff before a retry (full jitter).")
          .build();
  public static final ConfigKey<Duration> RETRY_BACKOFF_MAX =
      ConfigKey.service("retry.backoff.max", ValueParsers.duration(Duration.ZERO))
          .defaultValue(Duration.ofSeconds(1))
          .description("Upper bound of the backoff before a retry.")
          .build();
  public static final ConfigKey<Double> RETRY_BUDGET_RATIO =
      ConfigKey.service("retry.budget.ratio", ValueParsers.decimal(0, 1))
          .defaultValue(0.2)
          .description("Retries allowed per request over the budget window (0.2: one retry per 5 requests).")
          .build();
  public static final ConfigKey<Duration> RETRY_BUDGET_WINDOW =
      ConfigKey.service("retry.budget.window", ValueParsers.duration(Duration.ofSeconds(1)))
          .defaultValue(Duration.ofSeconds(10))
          .description("The sliding window over which requests and retries are counted.")
          .build();
  public static final ConfigKey<Integer> RETRY_BUDGET_MIN_PER_SECOND =
      ConfigKey.service("retry.budget.min-per-second", ValueParsers.integer(0, 100_000))
          .defaultValue(10)
          .description("Retries per second always allowed, so low traffic can still retry.")
          .build();
  public static final ConfigKey<Duration> RETRY_AFTER_MAX =
      ConfigKey.service("retry.retry-after.max", ValueParsers.duration(Duration.ZERO))
          .defaultValue(Duration.ofSeconds(10))
          .description("Longest Retry-After waited for before a retry; a response asking for longer is"
              + " returned at once.")
          .build();
  public static final ConfigKey<Duration> PER_TRY_TIMEOUT =
      ConfigKey.service("per-try-timeout", ValueParsers.positiveDuration())
          .description("Connect, read and write timeout of each attempt; unset: the client's own.")
          .build();

  // --- hedging -------------------------------------------------------------------------------

  public static final ConfigKey<HedgeDelay> HEDGE_DELAY =
      ConfigKey.service("hedge.delay", HedgeDelay.PARSER)
          .description("Wait for response headers before an idempotent request is sent again to another"
              + " endpoint: a duration (50ms) or a percentile of recent latencies (p95); unset: no hedging.")
          .build();
  public static final ConfigKey<Integer> HEDGE_MAX_ATTEMPTS =
      ConfigKey.service("hedge.max-attempts", ValueParsers.integer(1, 10))
          .defaultValue(2)
          .description("Attempts of one hedged request in flight at once, the first included; 1 turns"
              + " hedging off.")
          .build();

  // --- outlier detection and panic -----------------------------------------------------------

  public static final ConfigKey<Boolean> OUTLIER_ENABLED =
      ConfigKey.service("outlier-detection.enabled", ValueParsers.bool())
          .defaultValue(true)
          .description("Whether endpoints that keep failing are ejected for a while.")
          .build();
  public static final ConfigKey<Integer> OUTLIER_CONSECUTIVE_FAILURES =
      ConfigKey.service("outlier-detection.consecutive-failures", ValueParsers.integer(1, 10_000))
          .defaultValue(5)
          .description("Consecutive failed attempts (5xx, connect failure, reset, timeout) that eject an endpoint.")
          .build();
  public static final ConfigKey<Duration> OUTLIER_BASE_EJECTION_TIME =
      ConfigKey.service("outlier-detection.base-ejection-time", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(30))
          .description("Ejection time, multiplied by how many times the endpoint was ejected.")
          .build();
  public static final ConfigKey<Duration> OUTLIER_MAX_EJECTION_TIME =
      ConfigKey.service("outlier-detection.max-ejection-time", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(300))
          .description("Longest ejection.")
          .build();
  public static final ConfigKey<Integer> OUTLIER_MAX_EJECTION_PERCENT =
      ConfigKey.service("outlier-detection.max-ejection-percent", ValueParsers.integer(0, 100))
          .defaultValue(50)
          .description("Most endpoints ejected at once, in percent of all (at least one may always be).")
          .build();
  public static final ConfigKey<Integer> PANIC_THRESHOLD =
      ConfigKey.service("outlier-detection.panic-threshold", ValueParsers.integer(0, 100))
          .defaultValue(50)
          .description("Below this percentage of healthy endpoints in a priority, while the priorities together"
              + " lack healthy capacity, balance over all of that priority's endpoints; 0 never.")
          .build();

  // --- active health checks ------------------------------------------------------------------

  public static final ConfigKey<String> HC_PATH =
      ConfigKey.service("health-check.path", path())
          .description("Path probed on every endpoint (GET, 2xx is healthy); setting it enables health checks.")
          .build();
  public static final ConfigKey<Duration> HC_INTERVAL =
      ConfigKey.service("health-check.interval", ValueParsers.duration(Duration.ofMillis(10)))
          .defaultValue(Duration.ofSeconds(10))
          .description("Time between probes of one endpoint, with up to 10% random jitter.")
          .build();
  public static final ConfigKey<Duration> HC_TIMEOUT =
      ConfigKey.service("health-check.timeout", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(1))
          .description("A probe not answered within this fails.")
          .build();
  public static final ConfigKey<Integer> HC_HEALTHY_THRESHOLD =
      ConfigKey.service("health-check.healthy-threshold", ValueParsers.integer(1, 100))
          .defaultValue(2)
          .description("Consecutive passing probes that mark an unhealthy endpoint healthy.")
          .build();
  public static final ConfigKey<Integer> HC_UNHEALTHY_THRESHOLD =
      ConfigKey.service("health-check.unhealthy-threshold", ValueParsers.integer(1, 100))
          .defaultValue(2)
          .description("Consecutive failing probes that mark an endpoint unhealthy.")
          .build();

  /** All of them, for {@link io.mesh4j.spi.MeshModule#serviceKeys()}. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          CB_ENABLED, CB_FAILURE_RATE, CB_SLOW_CALL_DURATION, CB_SLOW_CALL_RATE, CB_WINDOW_TYPE,
          CB_WINDOW_SIZE, CB_MINIMUM_CALLS, CB_OPEN_DURATION, CB_HALF_OPEN_CALLS, CB_FAILURE_STATUSES,
          BULKHEAD_ENABLED, BULKHEAD_MAX_CONCURRENT, BULKHEAD_MAX_WAIT,
          RETRY_MAX_ATTEMPTS, RETRY_ON, RETRY_BACKOFF_BASE, RETRY_BACKOFF_MAX, RETRY_BUDGET_RATIO,
          RETRY_BUDGET_WINDOW, RETRY_BUDGET_MIN_PER_SECOND, RETRY_AFTER_MAX, PER_TRY_TIMEOUT,
          HEDGE_DELAY, HEDGE_MAX_ATTEMPTS,
          OUTLIER_ENABLED, OUTLIER_CONSECUTIVE_FAILURES, OUTLIER_BASE_EJECTION_TIME,
          OUTLIER_MAX_EJECTION_TIME, OUTLIER_MAX_EJECTION_PERCENT, PANIC_THRESHOLD,
          HC_PATH, HC_INTERVAL, HC_TIMEOUT, HC_HEALTHY_THRESHOLD, HC_UNHEALTHY_THRESHOLD);

  private static ValueParser<String> path() {
    return ValueParsers.of(
        "an absolute path starting with '/', like /healthz",
        s -> {
          String p = s.trim();
          if (!p.startsWith("/") || p.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("not an absolute path");
          }
          return p;
        });
  }
}
