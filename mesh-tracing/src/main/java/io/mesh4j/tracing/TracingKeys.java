package io.mesh4j.tracing;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParsers;
import java.util.List;

/** The configuration keys of mesh-tracing, all under {@code mesh.tracing.}. */
public final class TracingKeys {

  /** Propagator names {@link #PROPAGATORS} accepts. */
  public static final List<String> PROPAGATOR_NAMES = List.of("tracecontext", "baggage", "b3", "b3multi");

  /** {@code mesh.tracing.enabled}: spans, propagation, metrics and MDC for mesh requests. */
  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.global("mesh.tracing.enabled", ValueParsers.bool())
          .defaultValue(Boolean.TRUE)
          .description("Trace mesh requests, propagate their context, record metrics and set MDC.")
          .build();

  /**
   * {@code mesh.tracing.propagators}: the headers written on every attempt. Unset means the
   * propagators of the {@link io.opentelemetry.api.OpenTelemetry} instance in use.
   */
  public static final ConfigKey<List<String>> PROPAGATORS =
      ConfigKey.global(
              "mesh.tracing.propagators",
              ValueParsers.list(ValueParsers.oneOf(PROPAGATOR_NAMES.toArray(String[]::new))))
          .description(
              "Context propagation formats written on each attempt (tracecontext, baggage, b3,"
                  + " b3multi); default: the OpenTelemetry instance's propagators. b3 and b3multi"
                  + " need io.opentelemetry:opentelemetry-extension-trace-propagators.")
          .build();

  /** {@code mesh.tracing.metrics.enabled}: HTTP client and mesh metrics. */
  public static final ConfigKey<Boolean> METRICS_ENABLED =
      ConfigKey.global("mesh.tracing.metrics.enabled", ValueParsers.bool())
          .defaultValue(Boolean.TRUE)
          .description("Record HTTP client and mesh metrics through the OpenTelemetry meter.")
          .build();

  /** Values {@link #ATTEMPT_SPANS} accepts. */
  public static final List<String> ATTEMPT_SPAN_KINDS = List.of("auto", "client", "internal");

  /**
   * {@code mesh.tracing.attempt-spans}: whether mesh4j or another OkHttp instrumentation makes the
   * CLIENT span and the {@code http.client.*} metrics of each attempt. {@code client}: mesh4j does;
   * {@code internal}: another one does (the OpenTelemetry Java agent), mesh4j's attempt span is
   * INTERNAL and it records no {@code http.client.*} metric; {@code auto}: {@code internal} for calls
   * made through OpenTelemetry's {@code OkHttpTelemetry} call factory, {@code client} otherwise.
   */
  public static final ConfigKey<String> ATTEMPT_SPANS =
      ConfigKey.global(
              "mesh.tracing.attempt-spans",
              ValueParsers.oneOf(ATTEMPT_SPAN_KINDS.toArray(String[]::new)))
          .defaultValue("auto")
          .description(
              "Who makes each attempt's CLIENT span and http.client.* metrics: client (mesh4j),"
                  + " internal (another OkHttp instrumentation, e.g. the OpenTelemetry Java agent;"
                  + " mesh4j's attempt span is then INTERNAL and it records no http.client.* metric),"
                  + " auto (internal for calls made through OpenTelemetry's OkHttpTelemetry call"
                  + " factory, client otherwise).")
          .build();

  private TracingKeys() {}
}
