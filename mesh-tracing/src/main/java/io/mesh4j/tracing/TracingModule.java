package io.mesh4j.tracing;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.tracing.internal.NoopTelemetryNotice;
import io.mesh4j.tracing.internal.PropagatorSelection;
import io.mesh4j.tracing.internal.TracingExtension;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The mesh-tracing module. Found with {@link java.util.ServiceLoader} it uses {@link
 * GlobalOpenTelemetry#get()} (read when a {@link io.mesh4j.MeshClient} starts, so install the
 * global first); give your own instance with {@code MeshClient.builder().module(MeshTracing.module(otel))}.
 */
public final class TracingModule implements MeshModule {

  private final Supplier<OpenTelemetry> openTelemetry;
  private final boolean global;

  /** For {@link java.util.ServiceLoader}: the global OpenTelemetry. */
  public TracingModule() {
    this.openTelemetry = GlobalOpenTelemetry::get;
    this.global = true;
  }

  /** Traces and measures with this OpenTelemetry instance. */
  public TracingModule(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    this.openTelemetry = () -> openTelemetry;
    this.global = false;
  }

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public String artifactId() {
    return "mesh-tracing";
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return List.of(
        TracingKeys.ENABLED, TracingKeys.PROPAGATORS, TracingKeys.METRICS_ENABLED, TracingKeys.ATTEMPT_SPANS);
  }

  @Override
  public void validate(MeshConfig config, List<ConfigProblem> problems) {
    PropagatorSelection.validate(config, problems);
  }

  @Override
  public MeshExtension create(MeshContext context) {
    if (!context.config().get(TracingKeys.ENABLED)) {
      return new MeshExtension() {};
    }
    OpenTelemetry otel = openTelemetry.get();
    NoopTelemetryNotice.log(otel, global);
    return TracingExtension.start(context, otel);
  }
}
