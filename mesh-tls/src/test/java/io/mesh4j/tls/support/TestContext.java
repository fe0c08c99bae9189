package io.mesh4j.tls.support;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.time.MeshClock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MeshContext as a MeshClient would lend it: a scheduler, named daemon threads, an event bus,
 * and a route table whose snapshots change (new instances) when a test changes a service's
 * configuration or discovery attributes.
 */
public final class TestContext implements MeshContext, AutoCloseable {

  private volatile MeshConfig config;
  private final TestEvents events = new TestEvents();
  private final Map<String, TestSnapshot> snapshots = new ConcurrentHashMap<>();
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;

  public TestContext(MeshConfig config, MeshClock clock) {
    this.config = config;
    this.clock = clock;
    java.util.concurrent.ScheduledThreadPoolExecutor s =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1, threadFactory("scheduler"));
    s.setRemoveOnCancelPolicy(true); // so tests can see that close() cancelled every timer
    this.scheduler = s;
  }

  public TestContext(MeshConfig config) {
    this(config, MeshClock.SYSTEM);
  }

  @Override
  public MeshConfig config() {
    return config;
  }

  /**
   * Applies a new configuration: services gone are removed, services whose config changed get a
   * new snapshot (keeping their attributes), as MeshClient does (without calling the extension).
   */
  public synchronized void setConfig(MeshConfig next) {
    config = next;
    snapshots.keySet().removeIf(name -> !next.services().containsKey(name));
    snapshots.replaceAll((name, s) -> s.config().equals(next.services().get(name))
        ? s : new TestSnapshot(next.services().get(name), s.attributes()));
  }

  /** Discovery's new service attributes: the service gets a new snapshot. */
  public synchronized void setAttributes(String service, ServiceAttributes attributes) {
    ServiceConfig c = Objects.requireNonNull(config.services().get(service), service);
    snapshots.put(service, new TestSnapshot(c, attributes));
  }

  @Override
  public Set<String> services() {
    return config.services().keySet();
  }

  @Override
  public Optional<ServiceSnapshot> service(String name) {
    ServiceConfig c = config.services().get(name);
    if (c == null) {
      return Optional.empty();
    }
    return Optional.of(snapshots.computeIfAbsent(name, n -> new TestSnapshot(c, ServiceAttributes.EMPTY)));
  }

  /** The snapshot of a configured service. */
  public ServiceSnapshot snapshot(String name) {
    return service(name).orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  @Override
  public TestEvents events() {
    return events;
  }

  @Override
  public void refreshDiscovery(String service) {}

  @Override
  public MeshClock clock() {
    return clock;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public ThreadFactory threadFactory(String purpose) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "mesh4j-" + purpose + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void refreshEndpoints(String service) {}

  @Override
  public java.util.Optional<io.mesh4j.discovery.DiscoveryStatus> discoveryStatus(String service) {
    return java.util.Optional.empty();
  }

  @Override
  public java.util.Optional<io.mesh4j.spi.TransportSecurity> transportSecurity() {
    return java.util.Optional.empty();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public <T extends io.mesh4j.spi.MeshExtension> java.util.Optional<T> extension(Class<T> type) {
    return java.util.Optional.empty();
  }
}
