package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.mesh4j.config.ValueParsers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A route's timeout and retry policy as the mesh's per-request keys, with Envoy's defaults made explicit. */
final class RouteOverrides {

  /** Envoy's route timeout when the route does not set one. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  /** The mesh's most attempts per request ({@code retry.max-attempts}). */
  static final int MAX_ATTEMPTS = 10;

  private RouteOverrides() {}

  /** The overrides of a route; {@code vhRetry} is the virtual host's retry policy, or null. */
  static Map<String, String> build(RouteAction action, RetryPolicy vhRetry, String f, Errors errors) {
    Map<String, String> out = new LinkedHashMap<>();
    timeout(action, f, out, errors);
    RetryPolicy retry = action.hasRetryPolicy() ? action.getRetryPolicy() : vhRetry;
    String rf = action.hasRetryPolicy() ? f + ".retry_policy" : "retry_policy of the virtual host";
    retry(retry, rf, out, errors);
    return Map.copyOf(out);
  }

  private static void timeout(RouteAction action, String f, Map<String, String> out, Errors errors) {
    Duration t = action.hasTimeout() ? Values.duration(action.getTimeout(), f + ".timeout", errors) : DEFAULT_TIMEOUT;
    if (t == null) {
      return;
    }
    if (t.isNegative()) {
      errors.add(f + ".timeout", "is negative");
      return;
    }
    if (action.hasMaxStreamDuration() && action.getMaxStreamDuration().hasMaxStreamDuration()) {
      Duration max = Values.duration(action.getMaxStreamDuration().getMaxStreamDuration(),
          f + ".max_stream_duration.max_stream_duration", errors);
      if (max == null) {
        return;
      }
      if (max.isNegative()) {
        errors.add(f + ".max_stream_duration.max_stream_duration", "is negative");
        return;
      }
      if (!max.isZero() && (t.isZero() || max.compareTo(t) < 0)) {
        t = max; // both bound the whole stream: the shorter wins
      }
    }
    if (t.isZero()) {
      return; // 0: no route timeout (the target's own timeout key, if any, still applies)
    }
    out.put("timeout", ValueParsers.formatDuration(t.compareTo(Values.MAX) > 0 ? Values.MAX : t));
  }

  private static void retry(RetryPolicy p, String f, Map<String, String> out, Errors errors) {
    if (p == null) {
      out.put("retry.max-attempts", "1"); // Envoy retries nothing without a retry policy
      return;
    }
    Set<String> on = new LinkedHashSet<>();
    Set<Integer> codes = new TreeSet<>();
    for (String raw : p.getRetryOn().split(",")) {
      switch (raw.trim()) {
        case "5xx" -> {
          // Envoy's 5xx includes connect failures, resets, refused streams and per-try timeouts
          on.add("connect-failure");
          on.add("reset");
          on.add("timeout");
          on.add("5xx");
        }
        case "gateway-error" -> {
          // Envoy counts connect failures and resets as 503s and a per-try timeout as a 504
          on.add("connect-failure");
          on.add("reset");
          on.add("timeout");
          codes.add(502);
          codes.add(503);
          codes.add(504);
        }
        case "connect-failure" -> on.add("connect-failure");
        case "reset" -> {
          // Envoy: "does not respond at all (disconnect/reset/read timeout)"; a failed connect is one
          on.add("connect-failure");
          on.add("reset");
          on.add("timeout");
        }
        case "refused-stream" -> on.add("reset"); // the mesh cannot tell REFUSED_STREAM from other resets
        case "retriable-4xx" -> codes.add(409);
        case "retriable-status-codes" -> {
          for (int i = 0; i < p.getRetriableStatusCodesCount(); i++) {
            int code = p.getRetriableStatusCodes(i);
            if (code < 100 || code > 599) {
              errors.add(f + ".retriable_status_codes[" + i + "]", code + " is outside 100..599");
            } else {
              codes.add(code);
            }
          }
        }
        default -> {
          // gRPC status conditions (cancelled, unavailable...), reset-before-request,
          // envoy-ratelimited, retriable-headers, http3-post-connect-failure, unknown: ignored (docs)
        }
      }
    }
    if (codes.contains(0)) {
      codes.remove(0);
    }
    for (int code : codes) {
      on.add(Integer.toString(code));
    }
    if (on.isEmpty()) {
      out.put("retry.max-attempts", "1");
      return;
    }
    long retries = p.hasNumRetries() ? Integer.toUnsignedLong(p.getNumRetries().getValue()) : 1;
    out.put("retry.max-attempts", Long.toString(Math.min(retries + 1, MAX_ATTEMPTS)));
    out.put("retry.on", String.join(",", on));
    if (p.hasPerTryTimeout()) {
      Duration t = Values.duration(p.getPerTryTimeout(), f + ".per_try_timeout", errors);
      if (t == null) {
        return;
      } else if (t.isNegative()) {
        errors.add(f + ".per_try_timeout", "is negative");
      } else if (!t.isZero()) {
        out.put("per-try-timeout", ValueParsers.formatDuration(t.compareTo(Values.MAX) > 0 ? Values.MAX : t));
      }
    }
    Duration base = Duration.ofMillis(25); // Envoy's defaults
    Duration max = null;
    if (p.hasRetryBackOff()) {
      RetryPolicy.RetryBackOff b = p.getRetryBackOff();
      base = Values.duration(b.getBaseInterval(), f + ".retry_back_off.base_interval", errors);
      if (base == null) {
        return;
      }
      if (base.isNegative() || base.isZero()) {
        errors.add(f + ".retry_back_off.base_interval", "must be greater than 0");
        return;
      }
      if (b.hasMaxInterval()) {
        max = Values.duration(b.getMaxInterval(), f + ".retry_back_off.max_interval", errors);
        if (max == null) {
          return;
        }
        if (max.compareTo(base) < 0) {
          errors.add(f + ".retry_back_off.max_interval", "is shorter than base_interval");
          return;
        }
      }
    }
    if (max == null) {
      max = base.multipliedBy(10);
    }
    out.put("retry.backoff.base", ValueParsers.formatDuration(min(base)));
    out.put("retry.backoff.max", ValueParsers.formatDuration(min(max)));
  }

  private static Duration min(Duration d) {
    return d.compareTo(Values.MAX) > 0 ? Values.MAX : d;
  }
}
