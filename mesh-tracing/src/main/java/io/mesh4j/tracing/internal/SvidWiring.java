package io.mesh4j.tracing.internal;

import io.mesh4j.spi.MeshContext;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tracing.SvidTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;

/**
 * Reports this client's SVID as metrics: a {@link SvidTelemetry} on the source of mesh-tls's
 * extension (absent with {@code mesh.tls.mode=disabled}). Loads mesh-tls types: call only when
 * {@link OptionalModules#TLS}.
 */
final class SvidWiring {

  private SvidWiring() {}

  /** What to close with the tracing extension, or empty when this client has no SVID. */
  static Optional<AutoCloseable> attach(MeshContext context, OpenTelemetry openTelemetry) {
    return context
        .extension(MeshTlsExtension.class)
        .flatMap(MeshTlsExtension::source)
        .map(source -> new SvidTelemetry(openTelemetry, source));
  }
}
