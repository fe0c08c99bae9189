package io.mesh4j.lb;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.time.MeshClock;

/** What the mesh gives a {@link LoadBalancer} it creates for one service. */
public interface LoadBalancerContext {

  /** The logical service name, for messages. */
  String serviceName();

  /** The service's configuration, for the policy's own keys. */
  ServiceConfig config();

  /** Monotonic time source (controllable in tests). */
  MeshClock clock();

  /** Publishes the picker that the next requests will use. Cheap: a volatile write. */
  void updatePicker(Picker picker);
}
