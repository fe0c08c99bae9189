package io.mesh4j.internal.discovery;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Endpoints listed in the properties file: {@code mesh.services.<name>.endpoints=host:port,...}. */
public final class StaticDiscoveryProvider implements DiscoveryProvider {

  public static final String NAME = "static";

  /** {@code mesh.services.<name>.endpoints}: the static endpoint list. */
  public static final ConfigKey<List<Endpoint>> ENDPOINTS =
      ConfigKey.service(
              "endpoints",
              ValueParsers.of(
                  "comma-separated host:port[;weight=N][;region=R][;zone=Z][;sub-zone=S][;priority=P]"
                      + "[;health=healthy|draining|unhealthy][;key=value], IPv6 as [::1]:8080",
                  StaticDiscoveryProvider::parseEndpoints))
          .defaultValue(List.of())
          .description("Endpoints of the service for static discovery.")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(ENDPOINTS);
  }

  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    // The list is in the service's config: one complete snapshot per watch is the whole job (an
    // edit of the file starts a new watch with the new list).
    return service -> {
      // the configuration is the truth: a list with no endpoint applies at once
      service.listener().onUpdate(DiscoveryUpdate.of(service.config().get(ENDPOINTS)).asAuthoritative());
      return () -> {};
    };
  }

  static List<Endpoint> parseEndpoints(String text) {
    List<Endpoint> out = new ArrayList<>();
    if (text.isBlank()) {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    for (String item : text.split(",", -1)) {
      if (item.isBlank()) {
        throw new IllegalArgumentException("empty endpoint in the list");
      }
      Endpoint e;
      try {
        e = Endpoint.parse(item);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("endpoint '" + item.trim() + "': " + ex.getMessage(), ex);
      }
      if (!seen.add(e.authority())) {
        throw new IllegalArgumentException("endpoint " + e.authority() + " is listed twice");
      }
      out.add(e);
    }
    return List.copyOf(out);
  }
}
