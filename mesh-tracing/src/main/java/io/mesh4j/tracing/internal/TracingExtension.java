package io.mesh4j.tracing.internal;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.tracing.MeshTracing;
import io.mesh4j.tracing.TracingKeys;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Interceptor;

/** What mesh-tracing contributes to one MeshClient: two stages, a network interceptor, gauges. */
public final class TracingExtension implements MeshExtension {

  /**
   * Reads {@code mesh.services.<name>.lb} by name: core owns that key and does not expose it, and
   * its default is core's choice, so only an explicitly configured policy is reported.
   */
  private static final ConfigKey<String> LB_POLICY = ConfigKey.service("lb", ValueParsers.string()).build();

  private final List<MeshStage> stages;
  private final List<Interceptor> networkInterceptors;
  private final DiscoveryMetrics discoveryMetrics;

  private TracingExtension(List<MeshStage> stages, List<Interceptor> networkInterceptors, DiscoveryMetrics discoveryMetrics) {
    this.stages = stages;
    this.networkInterceptors = networkInterceptors;
    this.discoveryMetrics = discoveryMetrics;
  }

  public static TracingExtension start(MeshContext context, OpenTelemetry openTelemetry) {
    Tracer tracer = openTelemetry.getTracer(MeshTracing.INSTRUMENTATION_NAME);
    HttpClientMetrics metrics = HttpClientMetrics.DISABLED;
    DiscoveryMetrics discovery = null;
    MeterProvider meters = openTelemetry.getMeterProvider();
    // No SDK behind the API: skip the metrics entirely rather than build attributes for a no-op.
    if (context.config().get(TracingKeys.METRICS_ENABLED) && meters != MeterProvider.noop()) {
      Meter meter = meters.get(MeshTracing.INSTRUMENTATION_NAME);
      metrics = new HttpClientMetrics(meter);
      discovery = new DiscoveryMetrics(context, meter);
    }
    List<MeshStage> stages =
        List.of(
            new CallTracingStage(tracer, metrics, context.clock(), lbPolicies(context)),
            new AttemptTracingStage(
                tracer,
                PropagatorSelection.select(context.config(), openTelemetry.getPropagators()),
                metrics,
                context.clock()));
    return new TracingExtension(stages, List.of(new PeerIdentityRecorder()), discovery);
  }

  private static Map<String, String> lbPolicies(MeshContext context) {
    Map<String, String> policies = new HashMap<>();
    for (ServiceConfig service : context.config().services().values()) {
      if (service.isSet(LB_POLICY)) {
        policies.put(service.name(), String.valueOf(service.get(LB_POLICY)));
      }
    }
    return Map.copyOf(policies);
  }

  @Override
  public List<MeshStage> stages() {
    return stages;
  }

  @Override
  public List<Interceptor> networkInterceptors() {
    return networkInterceptors;
  }

  @Override
  public void close() {
    if (discoveryMetrics != null) {
      discoveryMetrics.close();
    }
  }
}
