package io.mesh4j.internal.lb;

import io.mesh4j.lb.EndpointPicker;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Endpoints in turn from a shared counter; weights are ignored. */
final class RoundRobinPicker extends EndpointPicker {

  private final AtomicInteger next;

  RoundRobinPicker(List<Endpoint> endpoints) {
    super(endpoints, null);
    // a random start, so that many clients updated at once do not all hit endpoint 0 together
    this.next = new AtomicInteger(ThreadLocalRandom.current().nextInt(this.endpoints.length));
  }

  @Override
  protected int choose(PickRequest request) {
    // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE
    return Math.floorMod(next.getAndIncrement(), endpoints.length);
  }
}
