package io.mesh4j;

/**
 * The {@code okhttp3} classes on the class path are not OkHttp 5.4 or later, which mesh4j needs
 * (it sets DNS, TLS and the connection pool per call through {@code Interceptor.Chain.with*}).
 * Thrown when a {@link MeshClient} is created, before anything starts; the message names the jar
 * {@code okhttp3.OkHttpClient} was loaded from, the version found and how to align the build.
 */
public final class IncompatibleOkHttpException extends MeshException {

  private static final long serialVersionUID = 1L;

  public IncompatibleOkHttpException(String message) {
    super(message);
  }

  public IncompatibleOkHttpException(String message, Throwable cause) {
    super(message, cause);
  }
}
