package io.mesh4j.tls.support;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.spi.TransportSecurity;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * A stand-in for MeshClient's pipeline, doing what the SPI promises (as core's AttemptSender): for
 * a service the context routes, capture its snapshot, rewrite http://service/x to
 * https://endpoint/x exactly when securesService(snapshot), tag the request with its MeshAttempt,
 * apply TransportSecurity.secure and add the extension's network interceptors.
 */
public final class MeshPipeline {

  private MeshPipeline() {}

  public static OkHttpClient wrap(
      OkHttpClient base, MeshExtension ext, MeshContext context, Function<String, Endpoint> endpointOf) {
    return wrap(base, ext, context::service, endpointOf);
  }

  /**
   * @param snapshots the snapshot each request captures; a test can keep handing out an old one
   *     to play a request that started before a change (a retry, a long call)
   */
  public static OkHttpClient wrap(
      OkHttpClient base, MeshExtension ext, Function<String, Optional<ServiceSnapshot>> snapshots,
      Function<String, Endpoint> endpointOf) {
    TransportSecurity ts = ext.transportSecurity().orElseThrow();
    OkHttpClient.Builder b = base.newBuilder().retryOnConnectionFailure(false);
    b.addInterceptor(chain -> {
      Request r = chain.request();
      String service = r.url().host();
      ServiceSnapshot snapshot = snapshots.apply(service).orElse(null);
      Endpoint ep = endpointOf.apply(service);
      if (snapshot == null || ep == null) {
        return chain.proceed(r);
      }
      boolean secure = ts.securesService(snapshot);
      HttpUrl url = r.url().newBuilder().scheme(secure ? "https" : "http").host(ep.host()).port(ep.port()).build();
      Request rewritten = r.newBuilder().url(url).tag(MeshAttempt.class, new MeshAttempt(service, ep, 1)).build();
      Interceptor.Chain c = secure ? ts.secure(chain, snapshot) : chain;
      return c.proceed(rewritten);
    });
    for (Interceptor i : ext.networkInterceptors()) {
      b.addNetworkInterceptor(i);
    }
    return b.build();
  }
}
