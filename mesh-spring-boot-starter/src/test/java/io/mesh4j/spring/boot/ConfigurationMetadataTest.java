package io.mesh4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigSchema;
import io.mesh4j.internal.runtime.Plugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * META-INF/spring-configuration-metadata.json (IDE completion for application.properties/yaml) is
 * generated from mesh4j's own key declarations: core's and those of the modules on this module's
 * test classpath (mesh-tls, mesh-resilience). This test fails when the committed file differs;
 * {@code -Dmesh4j.write-metadata=true} rewrites it.
 */
class ConfigurationMetadataTest {

  private static final Path FILE = Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");

  @Test
  void theCommittedMetadataMatchesMesh4jsKeyDeclarations() throws Exception {
    String generated = generate();
    if (Boolean.getBoolean("mesh4j.write-metadata")) {
      Files.writeString(FILE, generated);
    }
    assertThat(Files.readString(FILE))
        .as("regenerate with: mvn -pl mesh-spring-boot-starter -am test -Dtest=ConfigurationMetadataTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dmesh4j.write-metadata=true")
        .isEqualTo(generated);
  }

  static String generate() throws IOException {
    Map<String, ConfigKey<?>> globals = new TreeMap<>();
    Map<String, ConfigKey<?>> perService = new TreeMap<>();
    // the schema a MeshClient builds from the modules on the classpath (as samples' DocumentedKeysTest reads it)
    ConfigSchema schema = Plugins.load(ConfigurationMetadataTest.class.getClassLoader(), List.of(), List.of(), List.of()).schema();
    schema.globalKeys().forEach(k -> globals.put(k.name(), k));
    schema.serviceKeys().forEach(k -> perService.put(k.name(), k));
    List<Map<String, Object>> properties = new ArrayList<>();
    properties.add(property("mesh4j.spring.enabled", "java.lang.Boolean",
        "Whether the mesh4j auto-configuration runs (MeshClient, OkHttpClient, RestClient/RestTemplate customizers, actuator).", true));
    properties.add(property("mesh4j.spring.properties-file", "java.lang.String",
        "Filesystem path (no classpath:/file: prefix) of a mesh4j properties file read (and watched) under the Spring mesh.* keys; unset: mesh.properties at the classpath root if present.", null));
    properties.add(property("mesh4j.spring.shutdown-grace", "java.time.Duration",
        "How long in-flight mesh calls may take to finish when the context closes; unset: spring.lifecycle.timeout-per-shutdown-phase.", null));
    properties.add(property("mesh4j.spring.rest-client.enabled", "java.lang.Boolean",
        "Whether RestClient.Builder and RestTemplateBuilder send through the mesh-wrapped OkHttpClient.", true));
    properties.add(property("mesh4j.spring.health.required-services", "java.util.List<java.lang.String>",
        "Services without which the application cannot work: one with no eligible endpoint or an open circuit makes the mesh health DOWN.", null));
    properties.add(property("mesh.services", "java.util.Map<java.lang.String,java.lang.String>",
        "Per-service keys: mesh.services.<name>.<key>, e.g. mesh.services.orders.endpoints=127.0.0.1:8081; every mesh.defaults.* key below also works here.", null));
    globals.values().forEach(k -> properties.add(property(k.name(), type(k), k.description(), value(k))));
    perService.values().forEach(k -> properties.add(property("mesh.defaults." + k.name(), type(k),
        k.description() + " (for every service; per service: mesh.services.<name>." + k.name() + ")", value(k))));
    properties.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));

    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> meshGroup = new LinkedHashMap<>();
    meshGroup.put("name", "mesh");
    meshGroup.put("description", "mesh4j's own keys, validated by mesh4j (docs/configuration.md).");
    Map<String, Object> starterGroup = new LinkedHashMap<>();
    starterGroup.put("name", "mesh4j.spring");
    starterGroup.put("type", "io.mesh4j.spring.boot.MeshSpringProperties");
    starterGroup.put("sourceType", "io.mesh4j.spring.boot.MeshSpringProperties");
    starterGroup.put("description", "The Spring Boot starter's own settings.");
    root.put("groups", List.of(meshGroup, starterGroup));
    root.put("properties", properties);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
  }

  private static Map<String, Object> property(String name, String type, String description, Object defaultValue) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("type", type);
    p.put("description", description);
    if (defaultValue != null) {
      p.put("defaultValue", defaultValue);
    }
    return p;
  }

  /** mesh4j parses every value from text; only booleans are typed, so an IDE does not reject mesh4j's formats. */
  private static String type(ConfigKey<?> key) {
    return key.defaultValue() instanceof Boolean ? "java.lang.Boolean" : "java.lang.String";
  }

  /** The default as a user writes it, kept only when mesh4j parses that text back to the default. */
  private static Object value(ConfigKey<?> key) {
    Object v = key.defaultValue();
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean || v instanceof Number) {
      return v;
    }
    List<String> candidates = new ArrayList<>();
    if (v instanceof Duration d) {
      long ms = d.toMillis();
      candidates.add(ms == 0 ? "0s" : ms % 3_600_000 == 0 ? ms / 3_600_000 + "h"
          : ms % 60_000 == 0 ? ms / 60_000 + "m" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms");
    } else if (v instanceof Enum<?> e) {
      String name = e.name().toLowerCase(Locale.ROOT);
      candidates.add(name.replace('_', '-'));
      candidates.add(e.toString());
      candidates.add(name.replaceAll("^[a-z]+_", "").replace('_', '.'));
    } else {
      candidates.add(v.toString());
    }
    for (String text : candidates) {
      try {
        if (v.equals(key.parser().parse(text))) {
          return text;
        }
      } catch (RuntimeException notThisSpelling) {
        // try the next
      }
    }
    return null; // sets, lists, objects: the description says it
  }
}
