package io.mesh4j.discovery.dns.internal;

import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.discovery.dns.DnsDiscoveryProvider;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshModule;
import java.util.List;

/**
 * Checks the DNS provider's global keys together ({@code max-ttl >= min-ttl}) when the
 * configuration is read, so a bad pair fails startup (or a reload) with the other configuration
 * problems. A module only because {@link io.mesh4j.discovery.DiscoveryProvider#validate} sees one
 * service's keys, not the global ones; it contributes nothing to requests.
 */
public final class DnsConfigCheck implements MeshModule {

  @Override
  public String name() {
    return "discovery-dns-config";
  }

  @Override
  public String artifactId() {
    return "mesh-discovery";
  }

  @Override
  public void validate(MeshConfig config, List<ConfigProblem> problems) {
    DnsDiscoveryProvider.validateGlobals(config, problems);
  }

  @Override
  public MeshExtension create(MeshContext context) {
    return new MeshExtension() {};
  }
}
