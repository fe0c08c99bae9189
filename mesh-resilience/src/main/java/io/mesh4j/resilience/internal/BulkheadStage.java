package io.mesh4j.resilience.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.BulkheadFullException;
import io.mesh4j.resilience.ResilienceEvent;
import java.io.IOException;
import java.util.Map;
import okhttp3.Response;

/**
 * CALL stage: at most {@code bulkhead.max-concurrent-requests} requests per service in flight, a
 * slot held until the response body is done. Outermost of the guards, so a request it refuses
 * costs nothing else (no circuit-breaker trial, no retry budget).
 */
final class BulkheadStage implements MeshStage {

  static final int ORDER = 150;

  private final Map<String, ServiceResilience> services;

  BulkheadStage(Map<String, ServiceResilience> services) {
    this.services = services;
  }

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    ServiceResilience service = services.get(chain.call().service());
    Bulkhead bulkhead = service == null ? null : service.bulkhead();
    if (bulkhead == null) {
      return chain.proceed(chain.request());
    }
    // Waits up to bulkhead.max-wait for a slot (semaphore bulkhead), on the caller's thread.
    if (!bulkhead.tryAcquirePermission()) {
      int limit = bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
      service.events().emit(ResilienceEvent.Type.BULKHEAD_FULL, service.name(), null, "limit " + limit);
      throw new BulkheadFullException(service.name(), limit);
    }
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException | RuntimeException e) {
      bulkhead.onComplete();
      throw e;
    }
    return OnCloseBody.wrap(response, bulkhead::onComplete);
  }
}
