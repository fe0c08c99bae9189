package io.mesh4j.tls.internal;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.spi.TransportSecurity;
import io.mesh4j.tls.MeshTls;
import io.mesh4j.tls.TlsMode;
import okhttp3.Interceptor;

/**
 * mTLS for mesh routes, decided per request from the request's service snapshot: its {@code
 * tls.mode} (TLS being on for the client, {@code mesh.tls.mode} not {@code disabled}), and its
 * allowed identities through {@link PeerVerifiers}. Always the same socket factory.
 */
public final class MeshTransportSecurity implements TransportSecurity {

  private final MeshTls tls; // null when mesh.tls.mode=disabled
  private final ConfigKey<TlsMode> serviceMode;
  private final PeerVerifiers verifiers;

  /**
   * @param tls the client's TLS, or null when {@code mesh.tls.mode=disabled}
   * @param verifiers the per-service verifiers; may be null when {@code tls} is
   */
  public MeshTransportSecurity(MeshTls tls, ConfigKey<TlsMode> serviceMode, PeerVerifiers verifiers) {
    this.tls = tls;
    this.serviceMode = serviceMode;
    this.verifiers = verifiers;
  }

  /** True when TLS is on and the service's {@code tls.mode} (or {@code mesh.defaults.tls.mode}) is not disabled. */
  public boolean securesService(ServiceConfig service) {
    return tls != null && !(service.isSet(serviceMode) && service.get(serviceMode) == TlsMode.DISABLED);
  }

  @Override
  public boolean securesService(ServiceSnapshot service) {
    return securesService(service.config());
  }

  @Override
  public Interceptor.Chain secure(Interceptor.Chain chain, ServiceSnapshot service) {
    if (!securesService(service)) {
      String name = service.name();
      throw new IllegalStateException(tls == null
          ? "mesh.tls.mode=disabled: service " + name + " is not secured"
          : "mesh.services." + name + ".tls.mode=disabled: service " + name + " is not secured");
    }
    return chain.withSslSocketFactory(tls.socketFactory(), tls.trustManager())
        .withHostnameVerifier(verifiers.forSnapshot(service));
  }
}
