package io.mesh4j.tracing;

import io.mesh4j.tls.SvidStatus;
import io.mesh4j.tls.X509Source;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;

/**
 * Metrics of a mesh-tls SVID source, read from {@link X509Source#status()} at each collection:
 * seconds to expiry, rotations, renewal failures. Close it before the source. Needs
 * io.mesh4j:mesh-tls on the classpath (an optional dependency of mesh-tracing).
 */
public final class SvidTelemetry implements AutoCloseable {

  /** The SPIFFE ID of the SVID a point is about. */
  public static final AttributeKey<String> SPIFFE_ID = AttributeKey.stringKey("mesh.spiffe_id");

  private final List<AutoCloseable> instruments = new ArrayList<>();

  public SvidTelemetry(OpenTelemetry openTelemetry, X509Source source) {
    Meter meter = openTelemetry.getMeter(MeshTracing.INSTRUMENTATION_NAME);
    instruments.add(
        meter
            .gaugeBuilder("mesh.tls.svid.expiry")
            .ofLongs()
            .setUnit("s")
            .setDescription("Seconds until the workload's SVID expires (negative once expired).")
            .buildWithCallback(m -> { SvidStatus s = source.status(); m.record(s.secondsToExpiry(), of(s)); }));
    instruments.add(
        meter
            .counterBuilder("mesh.tls.svid.rotations")
            .setUnit("{rotation}")
            .setDescription("Times a new SVID replaced the previous one.")
            .buildWithCallback(m -> { SvidStatus s = source.status(); m.record(s.rotations(), of(s)); }));
    instruments.add(
        meter
            .counterBuilder("mesh.tls.svid.renewal_failures")
            .setUnit("{failure}")
            .setDescription("Renewals or reloads of the SVID that failed.")
            .buildWithCallback(m -> { SvidStatus s = source.status(); m.record(s.renewalFailures(), of(s)); }));
  }

  private static Attributes of(SvidStatus status) {
    return Attributes.of(SPIFFE_ID, status.spiffeId().toString());
  }

  @Override
  public void close() {
    for (AutoCloseable instrument : instruments) {
      try {
        instrument.close();
      } catch (Exception e) {
        // an instrument that cannot unregister only keeps reporting
      }
    }
  }
}
