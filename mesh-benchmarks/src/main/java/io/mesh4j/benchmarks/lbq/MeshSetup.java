package io.mesh4j.benchmarks.lbq;

import io.mesh4j.MeshClient;
import io.mesh4j.benchmarks.AbsentModule;
import io.mesh4j.config.PropertySource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import okhttp3.OkHttpClient;

/**
 * The client under test: a real {@link MeshClient} configured in code only (blind to this
 * machine's environment and {@code -D} flags), calling the logical service {@code orders} with one
 * policy. Its modules are mesh-core's and mesh-resilience's, as an application with those two jars
 * has: mesh-tls and mesh-tracing, on the benchmarks' classpath for other benchmarks, are kept out
 * (plaintext loopback backends; tracing is not what is measured). Properties, later ones winning:
 * the suite's own, the scenario's, the user's for every policy, the user's for this policy.
 * Endpoint changes go through {@link MeshClient#apply}, as a control plane would push them. Counts
 * the events the client publishes (ejections, panic mode, configuration applied) by type.
 */
final class MeshSetup implements AutoCloseable {

  static final String SERVICE = "orders";
  private static final String ENDPOINTS = "mesh.services." + SERVICE + ".endpoints";

  private final Map<String, String> properties;
  private final MeshClient mesh;
  private final Map<String, Long> eventCounts = new TreeMap<>();

  private MeshSetup(Map<String, String> properties, MeshClient mesh) {
    this.properties = properties;
    this.mesh = mesh;
    mesh.events().subscribe(e -> {
      synchronized (eventCounts) {
        eventCounts.merge(e.getClass().getSimpleName(), 1L, Long::sum);
      }
    });
  }

  static MeshSetup start(
      PolicyVariant variant,
      Map<String, String> scenarioProperties,
      Map<String, String> userProperties,
      List<String> endpoints,
      boolean resilience) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("mesh.service", "lb-quality");
    p.put(ENDPOINTS, String.join(",", endpoints));
    p.put("mesh.services." + SERVICE + ".lb", variant.policy());
    p.putAll(scenarioProperties);
    p.putAll(userProperties);
    p.putAll(variant.properties());
    MeshClient.Builder b =
        MeshClient.builder().environment(Map.of()).systemProperties(new Properties());
    p.forEach(b::property);
    b.module(AbsentModule.of("mesh-tls")).module(AbsentModule.of("mesh-tracing"));
    if (!resilience) {
      b.module(AbsentModule.resilience());
    }
    return new MeshSetup(p, b.build());
  }

  /** Events the client published since the start, by type (e.g. {@code EndpointEjected}). */
  Map<String, Long> eventCounts() {
    synchronized (eventCounts) {
      return new TreeMap<>(eventCounts);
    }
  }

  OkHttpClient wrap(OkHttpClient client) throws io.mesh4j.MeshClosedException {
    return mesh.wrap(client);
  }

  /** Applies the same configuration with these endpoints; the policy gets them on its next update. */
  void endpoints(List<String> specs) {
    properties.put(ENDPOINTS, String.join(",", specs));
    mesh.apply(mesh.configLoader().source(PropertySource.fromMap(Map.copyOf(properties), "lb-quality")).load());
  }

  @Override
  public void close() {
    mesh.close();
  }
}
