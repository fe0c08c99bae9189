package io.mesh4j.discovery.file;

import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.discovery.DiscoveryProviderConformanceSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/** The discovery contract, against a real endpoints file. */
class FileDiscoveryConformanceTest extends DiscoveryProviderConformanceSuite {

  @TempDir Path dir;
  private final Map<String, List<Endpoint>> published = new LinkedHashMap<>();

  private Path file() {
    return dir.resolve("endpoints.json");
  }

  private Map<String, String> properties(Path file, String service) {
    return Map.of(
        "mesh.discovery.file.path", file.toString(),
        "mesh.discovery.file.poll-interval", "50ms",
        "mesh.services." + service + ".discovery", "file");
  }

  @Override
  protected DiscoveryProvider provider() {
    return new FileDiscoveryProvider();
  }

  @Override
  protected Map<String, String> publish(String service, List<Endpoint> endpoints) throws Exception {
    published.put(service, endpoints);
    EndpointsFiles.replaceAtomically(file(), EndpointsFiles.json(published));
    return properties(file(), service);
  }

  @Override
  protected boolean republish(String service, List<Endpoint> endpoints) throws Exception {
    published.put(service, endpoints);
    EndpointsFiles.rewriteInPlace(file(), EndpointsFiles.json(published));
    return true;
  }

  @Override
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.allOf(Attribute.class);
  }

  @Override
  protected boolean breakBackend(String service) throws Exception {
    EndpointsFiles.rewriteInPlace(file(), "{\"services\":{\"" + service + "\":[{\"host\":");
    return true;
  }

  @Override
  protected Optional<Map<String, String>> unreachableBackend(String service) {
    Path nowhere = dir.resolve("no-such-directory").resolve("endpoints.json");
    if (Files.exists(nowhere.getParent())) {
      throw new IllegalStateException(nowhere.getParent() + " exists");
    }
    return Optional.of(properties(nowhere, service));
  }
}
