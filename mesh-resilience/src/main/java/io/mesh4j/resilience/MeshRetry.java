package io.mesh4j.resilience;

/**
 * Marks a request as safe to retry although its method is not idempotent (a POST carrying an
 * idempotency key, for instance):
 *
 * <pre>{@code
 * new Request.Builder().url("http://orders/pay").post(body)
 *     .tag(MeshRetry.class, MeshRetry.retryable())
 *     .build();
 * }</pre>
 *
 * A request tag rather than a header, so nothing leaks onto the wire. The request body must be
 * replayable (not {@code isOneShot()}) for a retry after its bytes were sent.
 */
public final class MeshRetry {

  private static final MeshRetry RETRYABLE = new MeshRetry();

  private MeshRetry() {}

  /** The tag value that marks a request retryable. */
  public static MeshRetry retryable() {
    return RETRYABLE;
  }

  @Override
  public String toString() {
    return "MeshRetry.retryable()";
  }
}
