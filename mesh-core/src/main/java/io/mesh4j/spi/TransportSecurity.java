package io.mesh4j.spi;

import okhttp3.Interceptor;

/**
 * Secures the connections of mesh routes (mTLS in mesh-tls). Called on every attempt, so it must
 * hand out the same {@link javax.net.ssl.SSLSocketFactory} and per-service verifier instances each
 * time: OkHttp keys its connection pool on their identity.
 */
public interface TransportSecurity {

  /** True when requests to this service go out as TLS ({@code https}). */
  boolean securesService(String service);

  /**
   * Returns the chain with this service's TLS settings applied ({@code withSslSocketFactory},
   * {@code withHostnameVerifier}); only called when {@link #securesService} is true.
   */
  Interceptor.Chain secure(Interceptor.Chain chain, String service);
}
