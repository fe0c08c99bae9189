package io.mesh4j.internal.okhttp;

import okhttp3.Request;
import okhttp3.Response;

/**
 * Keeps OkHttp from following up mesh responses by itself: a redirect could leave the service (or
 * hit a name OkHttp cannot resolve), and a 503 with {@code Retry-After: 0} would be retried outside
 * the mesh's retry budget. It hides {@code Location} and {@code Retry-After} from OkHttp's
 * follow-up logic; {@link AttemptSender} puts them back before the caller sees the response. Other
 * requests pass through untouched. Run by {@link UnmeshedGuard}, the mesh's one network
 * interceptor of its own.
 */
final class FollowUpGuard {

  private FollowUpGuard() {}

  /** @return {@code response}, or a copy without the headers OkHttp would follow up */
  static Response hideFollowUps(Request request, Response response) {
    int code = response.code();
    boolean followUp = (code >= 300 && code < 400) || code == 503;
    if (!followUp
        || (response.header("Location") == null && response.header("Retry-After") == null)) {
      return response;
    }
    // Tags are looked up only now: most responses are no follow-up.
    OriginalHeaders original = request.tag(MeshTags.ORIGINAL_HEADERS);
    if (original == null || request.tag(MeshTags.ATTEMPT) == null) {
      return response;
    }
    original.headers = response.headers();
    return response.newBuilder().removeHeader("Location").removeHeader("Retry-After").build();
  }
}
