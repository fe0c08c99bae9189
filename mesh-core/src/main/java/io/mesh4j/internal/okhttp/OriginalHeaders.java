package io.mesh4j.internal.okhttp;

import okhttp3.Headers;

/**
 * Request tag holding a mesh attempt's response headers as the server sent them, before {@link
 * FollowUpGuard} hid the ones that would make OkHttp redirect or retry on its own.
 */
final class OriginalHeaders {

  volatile Headers headers;
}
