package io.mesh4j.lb;

import io.mesh4j.discovery.Locality;
import io.mesh4j.time.MeshClock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the mesh gives a {@link LoadBalancer} it creates for one service. A policy that delegates to
 * child policies (per zone, per priority) creates each child with a {@link
 * ForwardingLoadBalancerContext} that intercepts the child's pickers.
 */
public interface LoadBalancerContext {

  /** The logical service name, for messages. */
  String serviceName();

  /** Monotonic time source (controllable in tests). */
  MeshClock clock();

  /**
   * This client's own locality ({@code mesh.locality.*}); {@link Locality#UNKNOWN} when not set. It
   * can change with the configuration: read it on each update.
   */
  Locality locality();

  /**
   * The client's scheduler, for a policy that recomputes on a timer (weights, slow start). Tasks
   * must be short; they run concurrently with updates, so serialize them yourself; cancel them in
   * {@link LoadBalancer#close()}.
   */
  ScheduledExecutorService scheduler();

  /** Publishes the picker that the next requests will use. Cheap: a volatile write. */
  void updatePicker(Picker picker);

  /** Another policy by its {@code lb} name, to create as a child. */
  Optional<LoadBalancerProvider> policy(String name);
}
