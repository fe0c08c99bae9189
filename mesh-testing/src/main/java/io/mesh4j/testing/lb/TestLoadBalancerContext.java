package io.mesh4j.testing.lb;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.testing.ManualClock;
import io.mesh4j.time.MeshClock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LoadBalancerContext} for testing a policy without a mesh: it keeps the last published
 * picker, counts publications, and offers a {@link ManualClock} and per-service key values.
 * Before the first update it answers {@link PickResult#noEndpointYet()}, as the mesh does.
 */
public final class TestLoadBalancerContext implements LoadBalancerContext {

  private static final Picker NOT_YET = request -> PickResult.noEndpointYet();

  private final String serviceName;
  private final ServiceConfig config;
  private final MeshClock clock;
  private final AtomicInteger updates = new AtomicInteger();
  private volatile Picker picker = NOT_YET;

  private TestLoadBalancerContext(Builder b) {
    this.serviceName = b.serviceName;
    this.config = ServiceConfig.of(b.serviceName, b.values);
    this.clock = b.clock;
  }

  /** A context for service {@code serviceName}, with a fresh {@link ManualClock} and key defaults. */
  public static TestLoadBalancerContext of(String serviceName) {
    return forService(serviceName).build();
  }

  public static Builder forService(String serviceName) {
    return new Builder(serviceName);
  }

  @Override
  public String serviceName() {
    return serviceName;
  }

  @Override
  public ServiceConfig config() {
    return config;
  }

  @Override
  public MeshClock clock() {
    return clock;
  }

  @Override
  public void updatePicker(Picker newPicker) {
    this.picker = Objects.requireNonNull(newPicker, "picker");
    updates.incrementAndGet();
  }

  /** The last published picker (one answering "no endpoint yet" before any). */
  public Picker picker() {
    return picker;
  }

  /** Picks with the last published picker. */
  public PickResult pick(PickRequest request) {
    return picker.pick(request);
  }

  /** How many pickers have been published. */
  public int pickerUpdates() {
    return updates.get();
  }

  /** Builds a {@link TestLoadBalancerContext}. */
  public static final class Builder {
    private final String serviceName;
    private final Map<ConfigKey<?>, Object> values = new HashMap<>();
    private MeshClock clock = new ManualClock();

    private Builder(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    }

    /** Sets a per-service key, as {@code mesh.services.<name>.<key>} would. */
    public <T> Builder set(ConfigKey<T> key, T value) {
      if (key.scope() != ConfigKey.Scope.SERVICE) {
        throw new IllegalArgumentException(key + " is not a per-service key");
      }
      values.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder clock(MeshClock newClock) {
      this.clock = Objects.requireNonNull(newClock, "clock");
      return this;
    }

    public TestLoadBalancerContext build() {
      return new TestLoadBalancerContext(this);
    }
  }
}
