package io.mesh4j.resilience;

import java.io.IOException;

/**
 * The service already had its maximum of concurrent requests in flight (and none finished within
 * {@code bulkhead.max-wait}): the request was refused without touching the network.
 */
public final class BulkheadFullException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String service;
  private final int maxConcurrentRequests;

  public BulkheadFullException(String service, int maxConcurrentRequests) {
    super(
        "bulkhead of service '"
            + service
            + "' is full: "
            + maxConcurrentRequests
            + " concurrent requests in flight (mesh.services."
            + service
            + ".bulkhead.max-concurrent-requests)");
    this.service = service;
    this.maxConcurrentRequests = maxConcurrentRequests;
  }

  public String service() {
    return service;
  }

  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }
}
