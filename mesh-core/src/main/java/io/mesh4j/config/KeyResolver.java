package io.mesh4j.config;

import static io.mesh4j.config.ConfigSchema.DEFAULTS_PREFIX;
import static io.mesh4j.config.ConfigSchema.SERVICES_PREFIX;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves a written key against the schema, or says what is wrong with it: unknown (with a
 * suggestion), owned by an absent module, or naming a service that is not a DNS label.
 */
final class KeyResolver {

  /** The key it resolves to, or the messages saying why it does not. */
  record Resolution(KeyRef ref, List<String> problems) {}

  private static final ValueParser<String> SERVICE_NAME = ValueParsers.dnsLabel();

  private final ConfigSchema schema;

  KeyResolver(ConfigSchema schema) {
    this.schema = schema;
  }

  Resolution resolve(String fullKey) {
    Optional<ConfigKey<?>> global = schema.globalKey(fullKey);
    if (global.isPresent()) {
      return ok(new KeyRef(fullKey, global.get(), KeyRef.Kind.GLOBAL, null));
    }
    if (fullKey.startsWith(SERVICES_PREFIX)) {
      return resolveService(fullKey);
    }
    if (fullKey.startsWith(DEFAULTS_PREFIX)) {
      String rel = fullKey.substring(DEFAULTS_PREFIX.length());
      Optional<ConfigKey<?>> key = schema.serviceKey(rel);
      return key.isPresent()
          ? ok(new KeyRef(fullKey, key.get(), KeyRef.Kind.DEFAULTS, null))
          : failed(unknownServiceKey(fullKey, DEFAULTS_PREFIX, rel));
    }
    return failed(unknown(fullKey));
  }

  private Resolution resolveService(String fullKey) {
    String rest = fullKey.substring(SERVICES_PREFIX.length());
    int dot = rest.indexOf('.');
    if (dot <= 0 || dot == rest.length() - 1) {
      return failed("incomplete key (expected: mesh.services.<name>.<key>)");
    }
    String service = rest.substring(0, dot);
    String rel = rest.substring(dot + 1);
    String prefix = SERVICES_PREFIX + service + ".";
    List<String> problems = new ArrayList<>();
    try {
      SERVICE_NAME.parse(service);
    } catch (IllegalArgumentException e) {
      problems.add(badServiceName(service, rel));
    }
    Optional<ConfigKey<?>> key = schema.serviceKey(rel);
    if (key.isEmpty()) {
      problems.add(unknownServiceKey(fullKey, prefix, rel));
    }
    return problems.isEmpty()
        ? ok(new KeyRef(fullKey, key.get(), KeyRef.Kind.SERVICE, service))
        : new Resolution(null, problems);
  }

  private static String badServiceName(String service, String rel) {
    String message = "service name '" + service + "' is not a lower-case DNS label";
    String lower = service.toLowerCase(Locale.ROOT);
    try {
      SERVICE_NAME.parse(lower);
      message += ", did you mean '" + SERVICES_PREFIX + lower + "." + rel + "'?";
    } catch (IllegalArgumentException e) {
      // no obvious fix to suggest
    }
    return message + " (expected: " + SERVICE_NAME.expected() + ")";
  }

  /** For a service or defaults key: compare the relative part, suggest with the user's prefix. */
  private String unknownServiceKey(String fullKey, String prefix, String rel) {
    Optional<String> hint = schema.hintFor(fullKey).map(ModuleHint::message);
    if (hint.isPresent()) {
      return hint.get();
    }
    List<String> rels = schema.serviceKeys().stream().<String>map(ConfigKey::name).toList();
    return withSuggestion("unknown key", KeySuggester.closest(rel, rels).map(r -> prefix + r));
  }

  /**
   * For any other key: compare against global keys and the service-key shapes it could have been
   * meant as, so {@code mesh.servces.orders.timeout} is caught too.
   */
  private String unknown(String fullKey) {
    Optional<String> hint = schema.hintFor(fullKey).map(ModuleHint::message);
    if (hint.isPresent()) {
      return hint.get();
    }
    List<String> candidates = new ArrayList<>();
    schema.globalKeys().forEach(k -> candidates.add(k.name()));
    String[] segments = fullKey.split("\\.", 4);
    for (ConfigKey<?> k : schema.serviceKeys()) {
      candidates.add(DEFAULTS_PREFIX + k.name());
      if (segments.length == 4) {
        candidates.add(SERVICES_PREFIX + segments[2] + "." + k.name());
      }
    }
    return withSuggestion("unknown key", KeySuggester.closest(fullKey, candidates));
  }

  private static String withSuggestion(String message, Optional<String> suggestion) {
    return suggestion.map(s -> message + ", did you mean '" + s + "'?").orElse(message);
  }

  private static Resolution ok(KeyRef ref) {
    return new Resolution(ref, List.of());
  }

  private static Resolution failed(String problem) {
    return new Resolution(null, List.of(problem));
  }
}
