package io.mesh4j.tracing.internal;

import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.tracing.MeshTracing;
import io.mesh4j.tracing.TracingKeys;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Interceptor;

/**
 * What mesh-tracing contributes to one MeshClient: two stages, a network interceptor, gauges, and
 * once every module runs, the metrics of mesh-resilience and mesh-tls when they are there.
 */
public final class TracingExtension implements MeshExtension {

  private final MeshContext context;
  private final OpenTelemetry openTelemetry;
  private final boolean metricsOn;
  private final List<MeshStage> stages;
  private final List<Interceptor> networkInterceptors;
  /** Discovery gauges and the wirings made at started(); closed in reverse. */
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private TracingExtension(MeshContext context, OpenTelemetry openTelemetry, boolean metricsOn, List<MeshStage> stages) {
    this.context = context;
    this.openTelemetry = openTelemetry;
    this.metricsOn = metricsOn;
    this.stages = stages;
    this.networkInterceptors = List.of(new PeerIdentityRecorder());
  }

  public static TracingExtension start(MeshContext context, OpenTelemetry openTelemetry) {
    Tracer tracer = openTelemetry.getTracer(MeshTracing.INSTRUMENTATION_NAME);
    HttpClientMetrics metrics = HttpClientMetrics.DISABLED;
    DiscoveryMetrics discovery = null;
    MeterProvider meters = openTelemetry.getMeterProvider();
    // No SDK behind the API: skip the metrics entirely rather than build attributes for a no-op.
    boolean metricsOn = context.config().get(TracingKeys.METRICS_ENABLED) && meters != MeterProvider.noop();
    if (metricsOn) {
      Meter meter = meters.get(MeshTracing.INSTRUMENTATION_NAME);
      metrics = new HttpClientMetrics(meter);
      discovery = new DiscoveryMetrics(context, meter);
    }
    List<MeshStage> stages =
        List.of(
            new CallTracingStage(tracer, metrics, context.clock()),
            new AttemptTracingStage(
                tracer,
                PropagatorSelection.select(context.config(), openTelemetry.getPropagators()),
                metrics,
                context.clock()));
    TracingExtension extension = new TracingExtension(context, openTelemetry, metricsOn, stages);
    if (discovery != null) {
      extension.closeables.add(discovery);
    }
    return extension;
  }

  /**
   * Other modules' extensions are complete only now. Their metrics need their types, so each is
   * wired by a class of its own, touched only when its module is on the classpath.
   */
  @Override
  public synchronized void started() {
    if (!metricsOn) {
      return; // both wirings record metrics only
    }
    if (OptionalModules.RESILIENCE) {
      ResilienceWiring.attach(context, openTelemetry).ifPresent(closeables::add);
    }
    if (OptionalModules.TLS) {
      SvidWiring.attach(context, openTelemetry).ifPresent(closeables::add);
    }
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
  public synchronized void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // an instrument that cannot unregister only keeps reporting
      }
    }
    closeables.clear();
  }
}
