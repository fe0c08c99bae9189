package io.mesh4j.discovery.file;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.file.internal.FileDiscoveryBackend;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Endpoints read from a JSON file ({@code mesh.services.<name>.discovery=file}):
 * {@code {"services":{"orders":[{"host":"10.0.0.5","port":8080,"weight":2,"zone":"a","metadata":{"version":"v2"}}]}}}.
 *
 * <p>One thread per client polls the file ({@code mesh.discovery.file.poll-interval}) and compares
 * its content, so an atomic replace and an in-place rewrite are both seen; a change is read once
 * it has held still for 100 ms, so a writer half-way through is not taken for a broken file.
 *
 * <p>The file is configuration, like static endpoints: what it says applies at once, including a
 * service it does not list (no endpoints). A file that cannot be read or is malformed (anywhere,
 * even in one endpoint) changes nothing: the mesh keeps the last good endpoints and reports the
 * error, which names the file and, for bad content, the line and column.
 */
public final class FileDiscoveryProvider implements DiscoveryProvider {

  public static final String NAME = "file";

  /** {@code mesh.discovery.file.path}: the endpoints file; required when a service uses discovery=file. */
  public static final ConfigKey<Path> PATH =
      ConfigKey.global(
              "mesh.discovery.file.path",
              ValueParsers.of(
                  "a file path; a relative one resolves against the working directory",
                  FileDiscoveryProvider::parsePath))
          .description(
              "JSON file listing the endpoints of the services with discovery=file, like "
                  + "{\"services\":{\"orders\":[{\"host\":\"10.0.0.5\",\"port\":8080}]}}. Required when a "
                  + "service uses discovery=file. A relative path resolves against the working directory of "
                  + "the JVM (user.dir), not against the properties file's directory.")
          .build();

  /** {@code mesh.discovery.file.poll-interval}: how often the file is read. */
  public static final ConfigKey<Duration> POLL_INTERVAL =
      ConfigKey.global(
              "mesh.discovery.file.poll-interval",
              ValueParsers.duration(Duration.ofMillis(10), Duration.ofHours(1)))
          .defaultValue(Duration.ofSeconds(1))
          .description(
              "How often the endpoints file is read and compared with what was read before; a change is "
                  + "applied once its content has held still for 100ms.")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return List.of(PATH, POLL_INTERVAL);
  }

  @Override
  public void validateGlobals(MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems) {
    if (!users.isEmpty() && config.get(PATH) == null) {
      problems.add(missingPath());
    }
  }

  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    MeshConfig config = context.meshConfig();
    Path file = config.get(PATH);
    if (file == null) { // validated with the configuration; this guards a client built without it
      throw new MeshConfigException(List.of(missingPath()));
    }
    return FileDiscoveryBackend.open(file, config.get(POLL_INTERVAL), context.threadFactory("discovery-file"));
  }

  private static ConfigProblem missingPath() {
    return new ConfigProblem(PATH.name(), null, null,
        "required when a service uses discovery=file: the JSON file that lists the endpoints, like "
            + "{\"services\":{\"orders\":[{\"host\":\"10.0.0.5\",\"port\":8080}]}}");
  }

  /** The absolute path, so that messages show where the file was looked for. */
  static Path parsePath(String raw) {
    if (raw.isBlank()) {
      throw new IllegalArgumentException("empty path");
    }
    try {
      return Path.of(raw).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path: " + e.getReason(), e);
    }
  }
}
