package io.mesh4j.internal.okhttp;

import io.mesh4j.internal.runtime.MeshRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Keeps service names off the network outside the mesh. A request to {@code http://orders/...}
 * goes through the mesh, but OkHttp follows redirects below the mesh's interceptor: a 302 from an
 * ordinary host to {@code http://orders:8080/secret} would be looked up in DNS and sent without
 * mTLS or identity check to whatever the name resolves to. So calls that pass through the mesh
 * resolve names with a {@link Dns} that refuses service names (nothing connects), and a network
 * interceptor refuses any request to a service name that is not a mesh attempt (nothing is written,
 * e.g. through an HTTP proxy, where the client resolves nothing).
 *
 * <p>The same network interceptor keeps OkHttp from following up mesh responses by itself (see
 * {@link FollowUpGuard}): one interceptor rather than two, since each costs OkHttp a chain copy
 * per request.
 */
final class UnmeshedGuard implements Interceptor {

  private final MeshRuntime runtime;

  UnmeshedGuard(MeshRuntime runtime) {
    this.runtime = runtime;
  }

  /** The resolver for a call that passes through: {@code delegate}, refusing service names. */
  Dns dns(Dns delegate) {
    return new RefusingDns(delegate);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    okhttp3.Request request = chain.request();
    String host = request.url().host();
    if (isServiceName(host) && request.tag(MeshTags.ATTEMPT) == null) {
      throw refused(host);
    }
    return FollowUpGuard.hideFollowUps(request, chain.proceed(request));
  }

  private boolean isServiceName(String host) {
    String name = MeshNames.serviceName(host);
    return runtime.route(name) != null || runtime.wasRemoved(name);
  }

  private static UnknownHostException refused(String host) {
    return new UnknownHostException("'" + MeshNames.serviceName(host) + "' is a mesh service: it is reached only"
        + " through the mesh (mTLS, identity check), never looked up and called directly; a redirect to it from"
        + " another host is refused");
  }

  /** Refuses service names; other names go to the caller's resolver. */
  private final class RefusingDns implements Dns {
    private final Dns delegate;

    RefusingDns(Dns delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
      if (isServiceName(hostname)) {
        throw refused(hostname);
      }
      return delegate.lookup(hostname);
    }
  }
}
