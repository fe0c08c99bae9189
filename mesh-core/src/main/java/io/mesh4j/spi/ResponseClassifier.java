package io.mesh4j.spi;

/**
 * Which responses of a service count as failed: the one notion the mesh's parts share, so that the
 * load balancer's statistics ({@link io.mesh4j.lb.CallTracker}) agree with the module that decides
 * failures (mesh-resilience's {@code circuit-breaker.failure-statuses}). At most one module
 * provides it; without one, 5xx is a failure.
 */
@FunctionalInterface
public interface ResponseClassifier {

  /** 500–599 fail, anything else succeeds. */
  ResponseClassifier SERVER_ERRORS = (service, status) -> status >= 500;

  /**
   * True when a response with {@code status} from {@code service} counts as failed. Called for
   * every attempt, on the request's thread: must be cheap, must not allocate or block.
   */
  boolean isFailure(String service, int status);
}
