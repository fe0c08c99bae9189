package io.mesh4j.tls.support;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.TransportSecurity;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * A stand-in for MeshClient's pipeline (being written on main), doing what the SPI promises: for a
 * mesh route, rewrite http://service/x to https://endpoint/x, tag the request with its
 * MeshAttempt, apply TransportSecurity.secure and add the extension's network interceptors.
 */
public final class MeshPipeline {

  private MeshPipeline() {}

  public static OkHttpClient wrap(OkHttpClient base, MeshExtension ext, Function<String, Endpoint> endpointOf) {
    TransportSecurity ts = ext.transportSecurity().orElseThrow();
    OkHttpClient.Builder b = base.newBuilder().retryOnConnectionFailure(false);
    b.addInterceptor(chain -> {
      Request r = chain.request();
      String service = r.url().host();
      Endpoint ep = endpointOf.apply(service);
      if (ep == null) {
        return chain.proceed(r);
      }
      boolean secure = ts.securesService(service);
      HttpUrl url = r.url().newBuilder().scheme(secure ? "https" : "http").host(ep.host()).port(ep.port()).build();
      Request rewritten = r.newBuilder().url(url).tag(MeshAttempt.class, new MeshAttempt(service, ep, 1)).build();
      Interceptor.Chain c = secure ? ts.secure(chain, service) : chain;
      return c.proceed(rewritten);
    });
    for (Interceptor i : ext.networkInterceptors()) {
      b.addNetworkInterceptor(i);
    }
    return b.build();
  }
}
