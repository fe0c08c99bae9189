package io.mesh4j.config;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/** A schema like core's, plus test keys, and a loader that never reads the real environment. */
final class TestSchemas {

  static final ConfigKey<Duration> TIMEOUT =
      ConfigKey.service("timeout", ValueParsers.duration(Duration.ZERO)).build();
  static final ConfigKey<String> LB =
      ConfigKey.service("lb", ValueParsers.oneOf("round-robin", "peak-ewma")).defaultValue("peak-ewma").build();
  static final ConfigKey<Integer> WEIGHT =
      ConfigKey.service("weight", ValueParsers.integer(1, 100)).build();
  static final ConfigKey<String> HASH_HEADER =
      ConfigKey.service("lb.hash-header", ValueParsers.nonEmpty()).build();
  static final ConfigKey<Integer> ADMIN_PORT =
      ConfigKey.global("mesh.admin.port", ValueParsers.integer(1, 65535)).build();
  static final ConfigKey<String> DEV_CA_DIR =
      ConfigKey.global("mesh.test.dev-ca.dir", ValueParsers.nonEmpty()).build();

  static final ConfigSchema SCHEMA = ConfigSchema.builder()
      .globalKey(ADMIN_PORT)
      .globalKey(DEV_CA_DIR)
      .serviceKey(TIMEOUT)
      .serviceKey(LB)
      .serviceKey(WEIGHT)
      .serviceKey(HASH_HEADER)
      .moduleHint("mesh.tls.*", "mesh-tls")
      .moduleHint("mesh.services.*.retry.*", "mesh-resilience")
      .moduleHint("mesh.services.*.circuit-breaker.*", "mesh-resilience")
      .build();

  private TestSchemas() {}

  static MeshConfigLoader.Builder loader(PropertySource... sources) {
    MeshConfigLoader.Builder b = MeshConfigLoader.builder()
        .schema(SCHEMA)
        .environment(Map.of())
        .systemProperties(new Properties());
    for (PropertySource s : sources) {
      b.source(s);
    }
    return b;
  }

  static PropertySource text(String... lines) {
    return PropertySource.parse(String.join("\n", lines), "mesh.properties");
  }
}
