package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.resilience.CircuitBreakerOpenException;
import io.mesh4j.time.MeshClock;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;

/**
 * CALL stage: the service's circuit breaker, with resilience4j's low-level calls. It sits outside
 * retries, so it records the outcome the caller sees (a request that succeeded on its retry is a
 * success) and an open circuit refuses before any attempt or retry budget is spent. A request
 * the mesh could not send at all (no endpoint) is not the service's outcome: counting it would
 * keep the circuit open for {@code open-duration} after discovery finds endpoints again.
 */
final class CircuitBreakerStage implements MeshStage {

  private final Map<String, ServiceResilience> services;
  private final ResilienceEvents events;
  private final MeshClock clock;

  CircuitBreakerStage(Map<String, ServiceResilience> services, ResilienceEvents events, MeshClock clock) {
    this.services = services;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return StageOrder.CALL_CIRCUIT_BREAKER;
  }

  @Override
  public String name() {
    return "circuit-breaker";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    MeshCall call = chain.call();
    ServiceResilience service = services.get(call.service());
    CircuitBreaker breaker = service == null ? null : service.circuitBreaker();
    if (breaker == null) {
      return chain.proceed(chain.request());
    }
    if (!breaker.tryAcquirePermission()) {
      var state = CircuitStates.of(breaker.getState());
      events.publish(new CircuitRejected(service.name(), state));
      throw new CircuitBreakerOpenException(service.name(), state);
    }
    long start = clock.nanoTime();
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException | RuntimeException e) {
      long now = clock.nanoTime();
      if (CallOutcome.cancelledByCaller(call) || CallOutcome.neverSent(e)) {
        breaker.releasePermission(); // the service did nothing wrong
      } else {
        breaker.onError(now - start, TimeUnit.NANOSECONDS, e);
      }
      throw e;
    } catch (Error e) {
      breaker.releasePermission(); // never keep a half-open permit: the breaker would stay stuck
      throw e;
    }
    long elapsed = clock.nanoTime() - start;
    if (service.failureStatuses().contains(response.code())) {
      breaker.onError(elapsed, TimeUnit.NANOSECONDS, new StatusFailure(response.code()));
    } else {
      breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
    }
    return response;
  }
}
