package io.mesh4j.tls.support;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.time.MeshClock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A MeshContext as a MeshClient would lend it: a scheduler and named daemon threads. */
public final class TestContext implements MeshContext, AutoCloseable {

  private final MeshConfig config;
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
  public java.util.Set<String> services() {
    return config.services().keySet();
  }

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
}
