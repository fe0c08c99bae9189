package io.mesh4j.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keys owned by a module that is not on the classpath, such as {@code mesh.tls.*} for {@code
 * mesh-tls}. In a pattern, {@code *} matches one or more characters of one key segment, and a
 * trailing {@code .*} matches everything below.
 */
record ModuleHint(String keyPattern, String artifactId, String coordinates, Pattern regex, Pattern envRegex) {

  /** @param coordinates what to add, as the message says it: {@code io.mesh4j:mesh-tls} */
  static ModuleHint of(String keyPattern, String artifactId, String coordinates) {
    if (!keyPattern.startsWith("mesh.") || artifactId.isBlank()) {
      throw new IllegalArgumentException(
          "module hint needs a 'mesh.' key pattern and an artifactId: " + keyPattern + " -> " + artifactId);
    }
    return new ModuleHint(keyPattern, artifactId, coordinates, compile(keyPattern, "[^.]+", ".+"),
        compile(EnvNames.normalize(keyPattern), ".+", ".+"));
  }

  /** True when a full key, such as {@code mesh.tls.mode}, belongs to this module. */
  boolean matches(String fullKey) {
    return regex.matcher(fullKey).matches();
  }

  /** True when an environment variable, such as {@code MESH_TLS_MODE}, may belong to this module. */
  boolean matchesEnv(String variable) {
    return envRegex.matcher(variable.toUpperCase(Locale.ROOT)).matches();
  }

  /** The problem text for a key of this module. */
  String message() {
    return "requires module " + artifactId + " (add " + coordinates + " to the classpath)";
  }

  private static Pattern compile(String pattern, String segment, String rest) {
    boolean trailing = pattern.endsWith("*") && pattern.length() > 1
        && !Character.isLetterOrDigit(pattern.charAt(pattern.length() - 2));
    String body = trailing ? pattern.substring(0, pattern.length() - 1) : pattern;
    StringBuilder regex = new StringBuilder();
    String[] parts = body.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(segment);
      }
      regex.append(Pattern.quote(parts[i]));
    }
    if (trailing) {
      regex.append(rest);
    }
    return Pattern.compile(regex.toString());
  }
}
