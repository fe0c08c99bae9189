package io.mesh4j.config;

/**
 * One thing wrong with the configuration.
 *
 * @param key the full property key concerned; null only for a problem with a whole source (an
 *     unreadable file) or with a validator that failed
 * @param value the offending value as written, or null when the key is missing
 * @param location where it was set, such as {@code mesh.properties:12}, {@code env
 *     MESH_SERVICE} or {@code system property}; null when the key is missing
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String key, String value, String location, String message) {

  @Override
  public String toString() {
    if (key == null) {
      return (location != null ? location + ": " : "") + message;
    }
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
