package io.mesh4j.lb;

/**
 * An immutable snapshot of a load balancer's decision state. {@link #pick} is on every request's
 * path: it must not lock, block or allocate more than it must; it may read atomics.
 */
@FunctionalInterface
public interface Picker {

  PickResult pick(PickRequest request);
}
