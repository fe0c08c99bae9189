package io.mesh4j.testing.lb;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.testing.ManualClock;
import io.mesh4j.time.MeshClock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LoadBalancerContext} for testing a policy without a mesh: it keeps the last published
 * picker, counts publications, builds updates with the service's key values, and offers a {@link
 * ManualClock}, a settable locality and the policies on the classpath (for parents creating
 * children). Before the first update it answers {@link PickResult#noEndpointYet()}, as the mesh
 * does. Close it to stop the scheduler, if a policy asked for one.
 */
public final class TestLoadBalancerContext implements LoadBalancerContext, AutoCloseable {

  private static final Picker NOT_YET = request -> PickResult.noEndpointYet();

  private final String serviceName;
  private final MeshClock clock;
  private final Map<String, LoadBalancerProvider> policies = new HashMap<>();
  private final AtomicInteger updates = new AtomicInteger();
  private volatile ServiceConfig config;
  private volatile ServiceAttributes attributes = ServiceAttributes.EMPTY;
  private volatile int panicThreshold;
  private volatile Locality locality;
  private volatile Picker picker = NOT_YET;
  private ScheduledThreadPoolExecutor scheduler; // guarded by this

  private TestLoadBalancerContext(Builder b) {
    this.serviceName = b.serviceName;
    this.config = ServiceConfig.of(b.serviceName, b.values);
    this.clock = b.clock;
    this.locality = b.locality;
    for (LoadBalancerProvider p : ServiceLoader.load(LoadBalancerProvider.class)) {
      policies.put(p.name(), p);
    }
  }

  /** A context for service {@code serviceName}, with a fresh {@link ManualClock} and key defaults. */
  public static TestLoadBalancerContext of(String serviceName) {
    return forService(serviceName).build();
  }

  public static Builder forService(String serviceName) {
    return new Builder(serviceName);
  }

  /** An update of these endpoints with the service's current key values and attributes. */
  public LoadBalancerUpdate update(List<Endpoint> endpoints) {
    return update(endpoints, List.of());
  }

  /**
   * An update as the mesh makes it when some discovered endpoints are unhealthy, draining or
   * ejected: {@code eligible} to balance over, {@code excluded} the rest, with the panic threshold
   * set by {@link #setPanicThreshold}.
   */
  public LoadBalancerUpdate update(List<Endpoint> eligible, List<Endpoint> excluded) {
    return new LoadBalancerUpdate(eligible, config, attributes, excluded, panicThreshold, false);
  }

  /** The panic threshold later updates carry, as mesh-resilience's {@code panic-threshold} sets it; 0 at first. */
  public void setPanicThreshold(int percent) {
    this.panicThreshold = percent;
  }

  /** Replaces the service's key values used by later {@link #update} calls, as a config reload would. */
  public void setConfig(Map<ConfigKey<?>, ?> values) {
    this.config = ServiceConfig.of(serviceName, values);
  }

  /** The service configuration later updates carry. */
  public ServiceConfig config() {
    return config;
  }

  /** Sets the service attributes later updates carry. */
  public void setAttributes(ServiceAttributes value) {
    this.attributes = Objects.requireNonNull(value, "attributes");
  }

  /** Changes this client's locality, as {@code mesh.locality.*} would. */
  public void setLocality(Locality value) {
    this.locality = Objects.requireNonNull(value, "locality");
  }

  @Override
  public String serviceName() {
    return serviceName;
  }

  @Override
  public MeshClock clock() {
    return clock;
  }

  @Override
  public Locality locality() {
    return locality;
  }

  @Override
  public synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "test-lb-scheduler");
        t.setDaemon(true);
        return t;
      });
    }
    return scheduler;
  }

  @Override
  public void updatePicker(Picker newPicker) {
    this.picker = Objects.requireNonNull(newPicker, "picker");
    updates.incrementAndGet();
  }

  @Override
  public Optional<LoadBalancerProvider> policy(String name) {
    return Optional.ofNullable(policies.get(name));
  }

  /** Makes a policy available to {@link #policy} (in addition to those on the classpath). */
  public TestLoadBalancerContext addPolicy(LoadBalancerProvider provider) {
    policies.put(provider.name(), provider);
    return this;
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

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** Builds a {@link TestLoadBalancerContext}. */
  public static final class Builder {
    private final String serviceName;
    private final Map<ConfigKey<?>, Object> values = new HashMap<>();
    private MeshClock clock = new ManualClock();
    private Locality locality = Locality.UNKNOWN;

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

    /** This client's locality, as {@code mesh.locality.*} sets it. */
    public Builder locality(Locality value) {
      this.locality = Objects.requireNonNull(value, "locality");
      return this;
    }

    public TestLoadBalancerContext build() {
      return new TestLoadBalancerContext(this);
    }
  }
}
