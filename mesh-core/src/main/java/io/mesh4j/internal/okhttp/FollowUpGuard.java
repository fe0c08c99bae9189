package io.mesh4j.internal.okhttp;

import io.mesh4j.pipeline.MeshAttempt;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Network interceptor that keeps OkHttp from following up mesh responses by itself: a redirect
 * could leave the service (or hit a name OkHttp cannot resolve), and a 503 with {@code
 * Retry-After: 0} would be retried outside the mesh's retry budget. It hides {@code Location} and
 * {@code Retry-After} from OkHttp's follow-up logic; {@link MeshInterceptor} puts them back before
 * the caller sees the response. Other requests pass through untouched.
 */
final class FollowUpGuard implements Interceptor {

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    int code = response.code();
    boolean followUp = (code >= 300 && code < 400) || code == 503;
    if (!followUp
        || (response.header("Location") == null && response.header("Retry-After") == null)) {
      return response;
    }
    // Tags are looked up only now: each Java tag(Class) lookup allocates (OkHttp maps the class
    // to a KClass), and most responses are no follow-up.
    OriginalHeaders original = chain.request().tag(OriginalHeaders.class);
    if (original == null || chain.request().tag(MeshAttempt.class) == null) {
      return response;
    }
    original.headers = response.headers();
    return response.newBuilder().removeHeader("Location").removeHeader("Retry-After").build();
  }
}
