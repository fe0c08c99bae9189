package io.mesh4j.event;

/** The service's bulkhead refused a request: {@code limit} requests were already in flight. */
public record BulkheadFull(String service, int limit) implements MeshEvent {}
