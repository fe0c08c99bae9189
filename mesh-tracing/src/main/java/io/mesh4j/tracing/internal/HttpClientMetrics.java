package io.mesh4j.tracing.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * Request metrics: the semconv HTTP client metrics per attempt (a physical request), plus the
 * logical request's duration and resends per service. {@link #DISABLED} builds no attributes at
 * all, so a mesh without an SDK pays nothing for them.
 */
final class HttpClientMetrics {

  /** The explicit bucket boundaries the HTTP semantic conventions advise for durations in seconds. */
  static final List<Double> DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  static final HttpClientMetrics DISABLED = new HttpClientMetrics();

  private static final double NANOS_PER_SECOND = 1e9;

  private final boolean enabled;
  private final DoubleHistogram attemptDuration;
  private final LongUpDownCounter activeAttempts;
  private final DoubleHistogram requestDuration;
  private final LongCounter resends;

  private HttpClientMetrics() {
    enabled = false;
    attemptDuration = null;
    activeAttempts = null;
    requestDuration = null;
    resends = null;
  }

  HttpClientMetrics(Meter meter) {
    enabled = true;
    attemptDuration =
        meter
            .histogramBuilder("http.client.request.duration")
            .setUnit("s")
            .setDescription("Duration of HTTP client requests (each mesh attempt), to the response headers.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    activeAttempts =
        meter
            .upDownCounterBuilder("http.client.active_requests")
            .setUnit("{request}")
            .setDescription("Number of mesh attempts waiting for response headers.")
            .build();
    requestDuration =
        meter
            .histogramBuilder("mesh.client.request.duration")
            .setUnit("s")
            .setDescription("Duration of logical mesh requests, all attempts included, to the response headers.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    resends =
        meter
            .counterBuilder("mesh.client.request.resends")
            .setUnit("{request}")
            .setDescription("Attempts after the first (retries) made for logical mesh requests.")
            .build();
  }

  /** False for {@link #DISABLED}, which records nothing. */
  boolean enabled() {
    return enabled;
  }

  /** Counts an attempt as active; returns the attributes to hand back to {@link #attemptEnded}. */
  Attributes attemptStarted(String method, String scheme, Endpoint endpoint, String service) {
    if (!enabled) {
      return null;
    }
    Attributes active =
        Attributes.builder()
            .put(HttpSemconv.HTTP_REQUEST_METHOD, HttpSemconv.method(method))
            .put(HttpSemconv.URL_SCHEME, scheme)
            .put(HttpSemconv.SERVER_ADDRESS, endpoint.host())
            .put(HttpSemconv.SERVER_PORT, (long) endpoint.port())
            .put(MeshAttributes.SERVICE, service)
            .build();
    activeAttempts.add(1, active);
    return active;
  }

  void attemptEnded(Attributes active, long nanos, Outcome outcome) {
    if (!enabled) {
      return;
    }
    activeAttempts.add(-1, active);
    AttributesBuilder attributes = active.toBuilder();
    outcome.addTo(attributes);
    attemptDuration.record(nanos / NANOS_PER_SECOND, attributes.build());
  }

  void requestEnded(String method, String service, long nanos, int attempts, Outcome outcome) {
    if (!enabled) {
      return;
    }
    AttributesBuilder attributes =
        Attributes.builder()
            .put(HttpSemconv.HTTP_REQUEST_METHOD, HttpSemconv.method(method))
            .put(MeshAttributes.SERVICE, service);
    outcome.addTo(attributes);
    requestDuration.record(nanos / NANOS_PER_SECOND, attributes.build());
    if (attempts > 1) {
      resends.add(attempts - 1L, Attributes.of(MeshAttributes.SERVICE, service));
    }
  }
}
