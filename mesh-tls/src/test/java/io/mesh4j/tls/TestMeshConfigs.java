package io.mesh4j.tls;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigSchema;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigLoader;
import io.mesh4j.config.PropertySource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Builds a validated {@link MeshConfig} for mesh-tls tests through the real loader. */
final class TestMeshConfigs {

  private TestMeshConfigs() {}

  /**
   * @param globals raw text by full key name
   * @param services raw text by service name, then by relative key name
   */
  static MeshConfig of(
      List<ConfigKey<?>> globalKeys,
      List<ConfigKey<?>> serviceKeys,
      Map<String, String> globals,
      Map<String, Map<String, String>> services) {
    ConfigSchema.Builder schema = ConfigSchema.builder();
    globalKeys.forEach(schema::globalKey);
    serviceKeys.forEach(schema::serviceKey);
    Map<String, String> properties = new LinkedHashMap<>(globals);
    services.forEach(
        (name, values) -> values.forEach((k, v) -> properties.put("mesh.services." + name + "." + k, v)));
    return MeshConfigLoader.builder()
        .schema(schema.build())
        .source(PropertySource.fromMap(properties, "test"))
        .environment(Map.of())
        .systemProperties(new Properties())
        .load();
  }
}
