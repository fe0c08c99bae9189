package io.mesh4j.discovery.dns;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ejects endpoints on the test's command, as outlier detection (mesh-resilience, not a dependency
 * of this module) does when they fail: the endpoints stay in DNS but take no traffic.
 */
final class Ejector implements MeshModule {

  private final Set<String> ejected = ConcurrentHashMap.newKeySet();
  private volatile MeshContext context;

  @Override
  public String name() {
    return "test-ejector";
  }

  @Override
  public String artifactId() {
    return "test-ejector";
  }

  @Override
  public MeshExtension create(MeshContext meshContext) {
    this.context = meshContext;
    EndpointFilter filter = (service, discovered) -> {
      List<Endpoint> left = discovered.stream().filter(e -> !ejected.contains(e.authority())).toList();
      return left;
    };
    return new MeshExtension() {
      @Override
      public List<EndpointFilter> endpointFilters() {
        return List.of(filter);
      }
    };
  }

  void eject(String service, String... authorities) {
    ejected.addAll(List.of(authorities));
    context.refreshEndpoints(service);
  }

  void readmitAll(String service) {
    ejected.clear();
    context.refreshEndpoints(service);
  }
}
