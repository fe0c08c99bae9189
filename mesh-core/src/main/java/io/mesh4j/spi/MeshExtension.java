package io.mesh4j.spi;

import io.mesh4j.pipeline.MeshStage;
import java.util.List;
import java.util.Optional;
import okhttp3.Interceptor;

/** What one module contributes to one {@link io.mesh4j.MeshClient}; closed with the client. */
public interface MeshExtension extends AutoCloseable {

  /** Stages for the request pipeline of mesh routes; ordered by {@link MeshStage#order()}. */
  default List<MeshStage> stages() {
    return List.of();
  }

  /** How mesh connections are secured, when this module does that (at most one module may). */
  default Optional<TransportSecurity> transportSecurity() {
    return Optional.empty();
  }

  /**
   * OkHttp network interceptors, run for mesh routes only (they see the connection, its handshake
   * and every redirect-free attempt). They are skipped for other hosts.
   */
  default List<Interceptor> networkInterceptors() {
    return List.of();
  }

  /** Filters applied, in module order, to each service's endpoints before load balancing. */
  default List<EndpointFilter> endpointFilters() {
    return List.of();
  }

  /** Stops every thread, timer and connection this extension started. Idempotent. */
  @Override
  default void close() {}
}
