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
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import okhttp3.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What mesh-tracing contributes to one MeshClient: two stages, a network interceptor (with an SDK), and
 * subscriptions to the client's events (circuit rejections on spans; metrics of every module's
 * events, with the discovery gauges). Knows no other module: what they do reaches it as core events.
 */
public final class TracingExtension implements MeshExtension {

  private static final Logger LOG = LoggerFactory.getLogger(TracingExtension.class);

  private final List<MeshStage> stages;
  private final List<Interceptor> networkInterceptors;
  /** Subscriptions and gauges; closed in reverse. */
  private final List<AutoCloseable> closeables;

  private TracingExtension(List<MeshStage> stages, List<Interceptor> networkInterceptors, List<AutoCloseable> closeables) {
    this.stages = stages;
    this.networkInterceptors = networkInterceptors;
    this.closeables = closeables;
  }

  /**
   * Subscribes now, at create time, rather than at started(): events that other modules and core
   * publish while the client starts (a service's first circuit state, the SVID) are not missed.
   */
  public static TracingExtension start(MeshContext context, OpenTelemetry openTelemetry) {
    Tracer tracer = openTelemetry.getTracer(MeshTracing.INSTRUMENTATION_NAME);
    List<AutoCloseable> closeables = new ArrayList<>();
    HttpClientMetrics metrics = HttpClientMetrics.DISABLED;
    MeterProvider meters = openTelemetry.getMeterProvider();
    // No SDK behind the API: skip the metrics entirely rather than build attributes for a no-op.
    if (context.config().get(TracingKeys.METRICS_ENABLED) && meters != MeterProvider.noop()) {
      Meter meter = meters.get(MeshTracing.INSTRUMENTATION_NAME);
      metrics = new HttpClientMetrics(meter);
      closeables.add(new DiscoveryMetrics(context, meter));
      closeables.add(MeshEventMetrics.subscribe(context, meter));
    }
    closeables.add(new CircuitRejectionRecorder(context.events()));
    List<MeshStage> stages =
        List.of(
            new CallTracingStage(tracer, metrics, context.clock()),
            new AttemptTracingStage(
                tracer,
                PropagatorSelection.select(context.config(), openTelemetry.getPropagators()),
                metrics,
                context.clock(),
                attemptSpanOwner(context.config().get(TracingKeys.ATTEMPT_SPANS))));
    // The peer's SPIFFE ID goes on the attempt span; with the API's no-op tracer no span records it,
    // so no network interceptor (each costs every request an OkHttp chain copy and a hop).
    List<Interceptor> network = NoopTracing.isNoop(tracer) ? List.of() : List.of(new PeerIdentityRecorder());
    return new TracingExtension(stages, network, closeables);
  }

  private static AttemptSpanOwner attemptSpanOwner(String configured) {
    boolean agent = "auto".equals(configured) && OpenTelemetryJavaAgent.instrumentsOkHttp();
    if (agent) {
      LOG.info(
          "mesh4j tracing: the OpenTelemetry Java agent instruments OkHttp in this JVM, so its CLIENT"
              + " span and http.client.* metrics stand for each mesh attempt; mesh4j's attempt spans are"
              + " INTERNAL, their parent ({}=auto; client keeps mesh4j's CLIENT spans and metrics too).",
          TracingKeys.ATTEMPT_SPANS.name());
    }
    return AttemptSpanOwner.of(configured, agent);
  }

  @Override
  public List<MeshStage> stages() {
    return stages;
  }

  /** A hedged attempt on another thread gets the request's trace context: its span is the call span's child. */
  @Override
  public UnaryOperator<Runnable> captureRequestContext() {
    Context context = Context.current();
    return context::wrap;
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
