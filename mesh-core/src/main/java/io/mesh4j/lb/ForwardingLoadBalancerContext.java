package io.mesh4j.lb;

import io.mesh4j.discovery.Locality;
import io.mesh4j.time.MeshClock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A context that passes everything to its parent's context; a parent policy overrides {@link
 * #updatePicker} to collect a child's pickers and combine them (gRPC's
 * {@code ForwardingLoadBalancerHelper}):
 *
 * <pre>{@code
 * LoadBalancer child = context.policy("round-robin").orElseThrow().newLoadBalancer(
 *     new ForwardingLoadBalancerContext(context) {
 *       public void updatePicker(Picker picker) { childPickers.put(zone, picker); republish(); }
 *     });
 * }</pre>
 */
public abstract class ForwardingLoadBalancerContext implements LoadBalancerContext {

  private final LoadBalancerContext delegate;

  protected ForwardingLoadBalancerContext(LoadBalancerContext delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  protected final LoadBalancerContext delegate() {
    return delegate;
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public MeshClock clock() {
    return delegate.clock();
  }

  @Override
  public Locality locality() {
    return delegate.locality();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return delegate.scheduler();
  }

  @Override
  public void updatePicker(Picker picker) {
    delegate.updatePicker(picker);
  }

  @Override
  public Optional<LoadBalancerProvider> policy(String name) {
    return delegate.policy(name);
  }
}
