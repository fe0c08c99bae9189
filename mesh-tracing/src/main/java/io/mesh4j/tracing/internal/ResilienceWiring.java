package io.mesh4j.tracing.internal;

import io.mesh4j.resilience.ResilienceExtension;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.tracing.ResilienceTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;

/**
 * Records mesh-resilience's events of this client as metrics: a {@link ResilienceTelemetry}
 * listening to the client's {@link ResilienceExtension}. Loads mesh-resilience types: call only
 * when {@link OptionalModules#RESILIENCE}.
 */
final class ResilienceWiring {

  private ResilienceWiring() {}

  /** What to close with the tracing extension, or empty when mesh-resilience does not run here. */
  static Optional<AutoCloseable> attach(MeshContext context, OpenTelemetry openTelemetry) {
    return context
        .extension(ResilienceExtension.class)
        .map(
            resilience -> {
              ResilienceTelemetry telemetry = new ResilienceTelemetry(openTelemetry);
              resilience.addListener(telemetry);
              return () -> {
                resilience.removeListener(telemetry);
                telemetry.close();
              };
            });
  }
}
