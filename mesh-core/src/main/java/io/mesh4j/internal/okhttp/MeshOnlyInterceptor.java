package io.mesh4j.internal.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/** Runs a module's network interceptor for mesh attempts only; other hosts pass through. */
final class MeshOnlyInterceptor implements Interceptor {

  private final Interceptor delegate;

  MeshOnlyInterceptor(Interceptor delegate) {
    this.delegate = delegate;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    if (chain.request().tag(MeshTags.ATTEMPT) == null) {
      return chain.proceed(chain.request());
    }
    return delegate.intercept(chain);
  }
}
