package io.mesh4j.discovery.etcd.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.discovery.etcd.EtcdDiscoveryProvider;
import io.mesh4j.discovery.etcd.EtcdRegistrationModule;
import io.mesh4j.spi.MeshExtension;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadFactory;

/** A client's self-registration: started with the client (never waiting for etcd), deregistered when it closes. */
public final class EtcdRegistrationExtension implements MeshExtension {

  private final EtcdRegistration registration;

  private EtcdRegistrationExtension(EtcdRegistration registration) {
    this.registration = registration;
  }

  /** Starts registering this workload as the configuration says; returns at once. */
  public static EtcdRegistrationExtension start(MeshConfig config, ThreadFactory threads) {
    Endpoint address = config.get(EtcdRegistrationModule.ADDRESS);
    String key = config.get(EtcdDiscoveryProvider.PREFIX) + config.service() + "/" + address.authority();
    return new EtcdRegistrationExtension(EtcdRegistration.start(
        config.get(EtcdDiscoveryProvider.ENDPOINTS), key, value(config, address),
        config.get(EtcdDiscoveryProvider.LEASE_TTL), threads));
  }

  /**
   * The endpoint as discovery reads it: host, port and this workload's locality (the registered
   * zone, else mesh.locality.zone; region and sub-zone from mesh.locality.*).
   */
  static String value(MeshConfig config, Endpoint address) {
    ObjectNode json = EtcdClient.JSON.createObjectNode().put("host", address.host()).put("port", address.port());
    Locality locality = config.locality();
    String zone = config.isSet(EtcdRegistrationModule.ZONE) ? config.get(EtcdRegistrationModule.ZONE) : locality.zone();
    if (!locality.region().isEmpty()) {
      json.put("region", locality.region());
    }
    if (!zone.isEmpty()) {
      json.put("zone", zone);
    }
    if (!locality.subZone().isEmpty()) {
      json.put("sub-zone", locality.subZone());
    }
    try {
      return EtcdClient.JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True while this workload's key is in etcd as far as it knows. */
  public boolean isRegistered() {
    return registration.isRegistered();
  }

  /** The key this workload is registered under. */
  public String key() {
    return registration.key();
  }

  @Override
  public void close() {
    registration.close();
  }
}
