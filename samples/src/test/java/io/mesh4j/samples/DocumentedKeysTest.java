package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigSchema;
import io.mesh4j.internal.runtime.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every key that any module on the classpath declares is documented in docs/configuration.md. */
class DocumentedKeysTest {

  @Test
  void everyDeclaredKeyIsInTheConfigurationReference() throws Exception {
    Path doc = Path.of(System.getProperty("mesh4j.root", "..")).resolve("docs/configuration.md");
    String text = Files.readString(doc);
    ConfigSchema schema =
        Plugins.load(getClass().getClassLoader(), List.of(), List.of(), List.of()).schema();
    List<String> missing = new ArrayList<>();
    for (ConfigKey<?> key : schema.globalKeys()) {
      if (!text.contains("`" + key.name() + "`")) {
        missing.add(key.name());
      }
    }
    for (ConfigKey<?> key : schema.serviceKeys()) {
      if (!text.contains("`" + key.name() + "`")
          && !text.contains("`mesh.services.<name>." + key.name() + "`")) {
        missing.add("mesh.services.<name>." + key.name());
      }
    }
    assertThat(schema.serviceKeys()).hasSizeGreaterThan(30) // every module is on this classpath
        .extracting(ConfigKey::name).contains("kubernetes.port", "dns.name", "retry.max-attempts", "identity");
    assertThat(missing).as("keys missing from %s", doc).isEmpty();
  }
}
