package io.mesh4j.tracing.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INFO line a MeshClient logs once at startup when tracing is on but the OpenTelemetry it was
 * given has no SDK behind it: otherwise spans and metrics vanish without a word.
 */
public final class NoopTelemetryNotice {

  private static final Logger LOG = LoggerFactory.getLogger(NoopTelemetryNotice.class);

  private static final String HOW_TO_HOOK =
      "To record them, register an SDK before the MeshClient is created"
          + " (OpenTelemetrySdk.builder()...buildAndRegisterGlobal(), opentelemetry-sdk-extension-autoconfigure,"
          + " or the OpenTelemetry Java agent), or pass one:"
          + " MeshClient.builder().module(MeshTracing.module(openTelemetry))."
          + " mesh.tracing.enabled=false turns tracing, and this line, off.";

  private NoopTelemetryNotice() {}

  /** The notice for this instance, or null when traces and metrics both reach an SDK. */
  static String of(OpenTelemetry openTelemetry, boolean global) {
    boolean noTraces = openTelemetry.getTracerProvider() == TracerProvider.noop();
    boolean noMetrics = openTelemetry.getMeterProvider() == MeterProvider.noop();
    if (!noTraces && !noMetrics) {
      return null;
    }
    String dropped = noTraces && noMetrics ? "spans and metrics" : noTraces ? "spans" : "metrics";
    String which =
        global
            ? "GlobalOpenTelemetry, as read when this MeshClient started,"
            : "the OpenTelemetry passed to MeshTracing.module(...)";
    return "mesh4j tracing: "
        + which
        + " has no SDK for "
        + (noTraces && noMetrics ? "traces or metrics" : noTraces ? "traces" : "metrics")
        + ": the "
        + dropped
        + " of mesh requests are dropped. "
        + HOW_TO_HOOK;
  }

  /** Logs the notice at INFO when there is one. */
  public static void log(OpenTelemetry openTelemetry, boolean global) {
    String notice = of(openTelemetry, global);
    if (notice != null) {
      LOG.info(notice);
    }
  }
}
