package io.mesh4j.config;

/**
 * One thing wrong with the configuration.
 *
 * @param key the full property key concerned (never null)
 * @param value the offending value as written, or null when the key is missing
 * @param location where it was set, such as {@code mesh.properties:12}, {@code env
 *     MESH_SERVICE} or {@code system property}; null when the key is missing
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String key, String value, String location, String message) {

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(key);
    if (value != null) {
      s.append('=').append(value);
    }
    if (location != null) {
      s.append(" (").append(location).append(')');
    }
    return s.append(": ").append(message).toString();
  }
}
