package io.mesh4j.spi;

import okhttp3.Interceptor;

/**
 * Secures the connections of mesh routes (mTLS in mesh-tls). Called on every attempt with the
 * snapshot the request runs on, so it must hand out the same {@link javax.net.ssl.SSLSocketFactory}
 * and, while a service's expected identities stay the same, the same verifier instance each time:
 * OkHttp keys its connection pool on their identity.
 */
public interface TransportSecurity {

  /** True when requests to this service go out as TLS ({@code https}). */
  boolean securesService(ServiceSnapshot service);

  /**
   * Returns the chain with this service's TLS settings applied ({@code withSslSocketFactory},
   * {@code withHostnameVerifier}); only called when {@link #securesService} is true.
   */
  Interceptor.Chain secure(Interceptor.Chain chain, ServiceSnapshot service);
}
