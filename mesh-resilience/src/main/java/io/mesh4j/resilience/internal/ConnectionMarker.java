package io.mesh4j.resilience.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Network interceptor (mesh attempts only): OkHttp runs network interceptors once it holds a
 * connection, just before writing the request. Reaching here is the line between "connect failed,
 * nothing sent" and "the request may have been sent". The attempt's progress is its request's
 * tag, whichever OkHttp call carries it.
 */
final class ConnectionMarker implements Interceptor {

  @Override
  public Response intercept(Chain chain) throws IOException {
    AttemptProgress progress = AttemptProgress.of(chain.request());
    if (progress != null) {
      progress.markConnected();
    }
    return chain.proceed(chain.request());
  }
}
