package io.mesh4j.resilience.internal;

import io.mesh4j.event.BulkheadFull;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.resilience.BulkheadFullException;
import java.io.IOException;
import java.util.Map;
import okhttp3.Response;

/**
 * CALL stage: at most {@code bulkhead.max-concurrent-requests} requests per service in flight, a
 * slot held until the response body is done. Outermost of the guards, so a request it refuses
 * costs nothing else (no circuit-breaker trial, no retry budget).
 */
final class BulkheadStage implements MeshStage {

  private final Map<String, ServiceResilience> services;
  private final ResilienceEvents events;

  BulkheadStage(Map<String, ServiceResilience> services, ResilienceEvents events) {
    this.services = services;
    this.events = events;
  }

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return StageOrder.CALL_BULKHEAD;
  }

  @Override
  public String name() {
    return "bulkhead";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    ServiceResilience service = services.get(chain.call().service());
    ServiceBulkhead bulkhead = service == null ? null : service.bulkhead();
    if (bulkhead == null) {
      return chain.proceed(chain.request());
    }
    // Waits up to bulkhead.max-wait for a slot, on the caller's thread.
    if (!bulkhead.tryAcquire()) {
      int limit = bulkhead.limit();
      events.publish(new BulkheadFull(service.name(), limit));
      throw new BulkheadFullException(service.name(), limit);
    }
    // Released when the caller is done with the response (or the request failed), into this
    // bulkhead even if a configuration change replaced it meanwhile.
    chain.call().whenComplete(bulkhead.releaser());
    return chain.proceed(chain.request());
  }
}
