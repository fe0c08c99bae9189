package io.mesh4j.xds.internal.bootstrap;

import io.mesh4j.config.ConfigSchema;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigLoader;
import io.mesh4j.config.PropertySource;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.xds.XdsKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Loads a {@link MeshConfig} the way a client does, with mesh-xds' keys and mesh-tls' source keys. */
public final class TestConfigs {

  private TestConfigs() {}

  public static ConfigSchema schema() {
    ConfigSchema.Builder schema = ConfigSchema.builder()
        .globalKey(MeshConfig.LOCALITY_REGION).globalKey(MeshConfig.LOCALITY_ZONE)
        .globalKey(MeshConfig.LOCALITY_SUB_ZONE);
    XdsKeys.GLOBAL_KEYS.forEach(schema::globalKey);
    XdsKeys.SERVICE_KEYS.forEach(schema::serviceKey);
    // stand-ins for mesh-tls' keys of the same names (mesh-xds does not depend on mesh-tls)
    for (String name : new String[] {"mesh.tls.source", "mesh.tls.files.cert", "mesh.tls.files.key",
        "mesh.tls.files.bundle"}) {
      schema.globalKey(io.mesh4j.config.ConfigKey.global(name, ValueParsers.nonEmpty()).build());
    }
    return schema.build();
  }

  /** {@code mesh.service=frontend} plus the given keys. */
  public static MeshConfig config(String... keyValues) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("mesh.service", "frontend");
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return MeshConfigLoader.builder()
        .schema(schema())
        .source(PropertySource.fromMap(values, "test.properties"))
        .environment(Map.of())
        .systemProperties(new Properties())
        .load();
  }
}
