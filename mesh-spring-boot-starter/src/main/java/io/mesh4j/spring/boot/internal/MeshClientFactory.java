package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import io.mesh4j.spring.boot.MeshSpringProperties;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Builds the application's {@link MeshClient} from the Spring Environment. Sources, lowest first:
 * a mesh4j properties file ({@code mesh4j.spring.properties-file}, else {@code mesh.properties}
 * on the classpath if present), then every {@code mesh.*} key Spring resolves (application
 * properties and YAML, profiles, command line, test properties), then {@code MESH_*} environment
 * variables and {@code -Dmesh.*} system properties, read by mesh4j itself. mesh4j validates the
 * result: a bad key fails here with its own message.
 */
public final class MeshClientFactory {

  private static final Logger log = LoggerFactory.getLogger(MeshClientFactory.class);

  private MeshClientFactory() {}

  public static MeshClient create(
      ConfigurableEnvironment environment, MeshSpringProperties settings, ClassLoader classLoader) {
    MeshClient.Builder builder = MeshClient.builder().classLoader(classLoader);
    String file = settings.propertiesFile();
    if (file != null && !file.isBlank()) {
      builder.propertiesFile(Path.of(file));
    } else if (classLoader.getResource(MeshClient.CLASSPATH_RESOURCE) != null) {
      builder.classpathProperties(MeshClient.CLASSPATH_RESOURCE);
    }
    Map<String, String> keys = SpringMeshProperties.read(environment);
    keys.forEach(builder::property);
    builder.environment(SpringMeshProperties.systemEnvironment(environment));
    builder.systemProperties(SpringMeshProperties.systemProperties(environment));
    MeshClient mesh = builder.build();
    log.debug("mesh4j started from the Spring Environment with keys {}", keys.keySet());
    return mesh;
  }
}
