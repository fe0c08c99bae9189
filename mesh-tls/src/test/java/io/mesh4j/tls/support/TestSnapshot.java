package io.mesh4j.tls.support;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.spi.ServiceSnapshot;

/** A service snapshot as the route table publishes one; compared by identity, as the mesh's are. */
public final class TestSnapshot implements ServiceSnapshot {

  private final ServiceConfig config;
  private final ServiceAttributes attributes;

  public TestSnapshot(ServiceConfig config, ServiceAttributes attributes) {
    this.config = config;
    this.attributes = attributes;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public ServiceConfig config() {
    return config;
  }

  @Override
  public ServiceAttributes attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "TestSnapshot{" + name() + "}";
  }
}
