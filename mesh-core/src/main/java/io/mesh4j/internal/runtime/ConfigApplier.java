package io.mesh4j.internal.runtime;

import io.mesh4j.config.ConfigDiff;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.ConfigSchema;
import io.mesh4j.config.ConfigStatus;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ConfigValidator;
import io.mesh4j.config.MeshConfigLoader;
import io.mesh4j.config.PropertySource;
import io.mesh4j.event.ConfigApplied;
import io.mesh4j.event.ConfigNeedsRestart;
import io.mesh4j.event.ConfigRejected;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a new validated configuration into a change of the running client: keeps the running
 * value of keys that need a restart (and says so once), applies the rest through {@link
 * MeshRuntime#apply}, and keeps the {@link ConfigStatus}. Every outcome is logged once and
 * published as an event. Serialized: one change at a time.
 *
 * <p>Keeps the user's configuration apart from the configuration overlays' properties (see {@link
 * io.mesh4j.config.ConfigOverlay}) and applies their merge: a user change re-merges the overlays in
 * force, an overlay change is merged under the user's last configuration.
 */
public final class ConfigApplier {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.config");

  /** How overlays are named in logs, events and problems: "overlay xds". */
  public static final String OVERLAY_PREFIX = "overlay ";

  private static final String SERVICES_PREFIX = "mesh.services.";

  /** An overlay in force: its properties as given, and parsed. */
  private record Overlay(Map<String, String> properties, MeshConfig parsed) {}

  private final MeshRuntime runtime;
  /** The configuration the user's sources (or MeshClient.apply) gave last, without overlays. */
  private MeshConfig userConfig;
  private Map<String, Overlay> overlays = Map.of();
  private long version = 1;
  private String origin;
  private Instant appliedAt;
  private List<String> restartRequired = List.of();
  private ConfigStatus.Rejection lastRejection;
  /**
   * Per overlay, the properties it set last that were rejected, and their problems: a source that
   * resends the same set (xDS does) is refused again without a parse, an ERROR or an event.
   * Forgotten when anything is applied, since the same set may then be valid.
   */
  private final Map<String, RejectedSet> rejectedOverlays = new java.util.HashMap<>();

  private record RejectedSet(Map<String, String> properties, List<ConfigProblem> problems) {}

  public ConfigApplier(MeshRuntime runtime, String origin) {
    this.runtime = runtime;
    this.origin = origin;
    this.appliedAt = now();
    this.userConfig = runtime.config();
  }

  /**
   * Applies {@code loaded} (the user's configuration, validated by the loader) with the overlays in
   * force merged under it, and returns what changed in the running client; an empty diff when
   * nothing did.
   *
   * @throws MeshConfigException when it cannot apply; nothing was applied, the rejection recorded
   * @throws IllegalStateException when the client is closed
   */
  public synchronized ConfigDiff apply(MeshConfig loaded, String from) {
    MeshConfig merged = merge(loaded, overlays);
    if (!overlays.isEmpty()) {
      List<ConfigProblem> problems = validate(merged);
      if (!problems.isEmpty()) {
        throw rejected(from, withOverlayNote(problems));
      }
    }
    ConfigDiff diff = applyMerged(merged, from,
        overlays.isEmpty() ? "" : " (with " + String.join(", ", overlayNames()) + " merged under it)");
    userConfig = loaded;
    rejectedOverlays.clear(); // the same sets may be valid under the new user configuration
    return diff;
  }

  /**
   * Replaces the properties overlay {@code name} contributes with {@code properties} and applies
   * the user's configuration with the overlays merged under it.
   *
   * @throws MeshConfigException when the overlay's properties are rejected; its previous ones stay
   * @throws IllegalStateException when the client is closed
   */
  public synchronized ConfigDiff applyOverlay(String name, Map<String, String> properties) {
    String from = OVERLAY_PREFIX + name;
    Overlay previous = overlays.get(name);
    if (previous != null ? previous.properties().equals(properties) : properties.isEmpty()) {
      return ConfigDiff.between(runtime.config(), runtime.config(), runtime.plugins().schema());
    }
    RejectedSet known = rejectedOverlays.get(name);
    if (known != null && known.properties().equals(properties)) {
      throw new MeshConfigException(known.problems()); // said already
    }
    try {
      return applyOverlayChange(name, from, properties);
    } catch (MeshConfigException e) {
      rejectedOverlays.put(name, new RejectedSet(Map.copyOf(properties), e.problems()));
      throw e;
    }
  }

  private ConfigDiff applyOverlayChange(String name, String from, Map<String, String> properties) {
    Overlay next = parse(from, properties);
    Map<String, Overlay> nextOverlays = new TreeMap<>(overlays);
    if (properties.isEmpty()) {
      nextOverlays.remove(name);
    } else {
      nextOverlays.put(name, next);
    }
    MeshConfig merged = merge(userConfig, nextOverlays);
    List<ConfigProblem> problems = validate(merged);
    if (!problems.isEmpty()) {
      throw rejected(from, locate(problems, properties, from));
    }
    ConfigDiff diff = applyMerged(merged, from, " (" + properties.size() + " overlay properties)");
    overlays = nextOverlays;
    rejectedOverlays.clear(); // the same sets may be valid now
    return diff;
  }

  private ConfigDiff applyMerged(MeshConfig loaded, String from, String detail) {
    MeshConfig running = runtime.config();
    ConfigDiff full = ConfigDiff.between(running, loaded, runtime.plugins().schema());
    MeshConfig next = loaded;
    if (!full.restartRequired().isEmpty()) {
      next = loaded.withGlobalsOf(running, full.restartRequired());
      List<ConfigProblem> problems = validate(next);
      if (!problems.isEmpty()) {
        throw rejected(from, withRestartNote(problems, full));
      }
    }
    reportRestartKeys(from, List.copyOf(full.restartRequired()));
    lastRejection = null;
    ConfigDiff diff = full.withoutRestartRequired();
    if (diff.isEmpty()) {
      return diff;
    }
    try {
      runtime.apply(next, diff);
    } catch (MeshConfigException e) {
      throw rejected(from, e.problems());
    } catch (IllegalStateException e) {
      if (runtime.refusesCalls()) {
        throw e; // closed or shutting down meanwhile
      }
      throw rejected(from, List.of(new ConfigProblem(null, null, null, "the change could not be applied: " + e)));
    } catch (RuntimeException e) {
      // a module refusing a service, or a bug: the runtime undid what it had done
      throw rejected(from, List.of(new ConfigProblem(null, null, null, "the change could not be applied: " + e)));
    }
    version++;
    origin = from;
    appliedAt = now();
    log.info("mesh4j configuration version {} from {}{} applied: {}", version, from, detail, diff);
    runtime.events().publish(new ConfigApplied(version, from, diff));
    return diff;
  }

  /** Parses an overlay's properties with the client's schema; only per-service keys are allowed. */
  private Overlay parse(String from, Map<String, String> properties) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
      if (!e.getKey().startsWith(SERVICES_PREFIX)) {
        problems.add(new ConfigProblem(e.getKey(), e.getValue(), from,
            "an overlay may only set per-service keys (" + SERVICES_PREFIX + "<name>.<key>)"));
      }
    }
    if (!problems.isEmpty()) {
      throw rejected(from, problems);
    }
    Map<String, String> withService = new TreeMap<>(properties);
    // the loader requires it; the merge keeps the user's globals
    withService.put(MeshConfig.SERVICE.name(), runtime.config().service());
    try {
      MeshConfig parsed = MeshConfigLoader.builder()
          .schema(runtime.plugins().schema())
          .environment(Map.of())
          .systemProperties(new Properties())
          .source(PropertySource.fromMap(withService, from))
          .load();
      return new Overlay(Map.copyOf(properties), parsed);
    } catch (MeshConfigException e) {
      throw rejected(from, e.problems());
    }
  }

  private MeshConfig merge(MeshConfig user, Map<String, Overlay> overlays) {
    // The services defined first (the user's, and any an overlay adds by setting its discovery),
    // then the keys layered: whether an overlay's keys apply must not depend on overlay order.
    Map<String, String> addedDiscovery = new TreeMap<>();
    for (Overlay o : overlays.values()) {
      o.properties().forEach((key, value) -> {
        if (key.startsWith(SERVICES_PREFIX) && key.endsWith(DISCOVERY_SUFFIX)) {
          addedDiscovery.putIfAbsent(key, value);
        }
      });
    }
    MeshConfig merged = user;
    for (Map.Entry<String, Overlay> o : overlays.entrySet()) {
      Map<String, String> given = o.getValue().properties();
      Map<String, String> effective =
          withoutWeakenedTls(user, o.getKey(), withServicesAddedLater(given, user, addedDiscovery));
      // parsed again only when something was added or dropped (a valid set stays valid)
      MeshConfig parsed = effective.equals(given) ? o.getValue().parsed()
          : parse(OVERLAY_PREFIX + o.getKey(), effective).parsed();
      merged = merged.withOverlay(parsed);
    }
    return merged;
  }

  private static final String DISCOVERY_SUFFIX = ".discovery";

  /**
   * An overlay whose keys name a service the user does not define but another overlay adds: the
   * service's discovery key (as that overlay sets it) is added to it, so its keys apply although it
   * is merged before the overlay that adds the service.
   */
  private static Map<String, String> withServicesAddedLater(
      Map<String, String> properties, MeshConfig user, Map<String, String> addedDiscovery) {
    Map<String, String> extra = new TreeMap<>();
    for (String key : properties.keySet()) {
      if (!key.startsWith(SERVICES_PREFIX)) {
        continue;
      }
      String rest = key.substring(SERVICES_PREFIX.length());
      int dot = rest.indexOf('.');
      if (dot <= 0) {
        continue;
      }
      String service = rest.substring(0, dot);
      String discoveryKey = SERVICES_PREFIX + service + DISCOVERY_SUFFIX;
      String discovery = addedDiscovery.get(discoveryKey);
      if (discovery != null && user.service(service).isEmpty() && !properties.containsKey(discoveryKey)) {
        extra.put(discoveryKey, discovery);
      }
    }
    if (extra.isEmpty()) {
      return properties;
    }
    Map<String, String> with = new TreeMap<>(properties);
    with.putAll(extra);
    return with;
  }

  /** (overlay, service) pairs warned about by {@link #withoutWeakenedTls}: one WARN each. */
  private final java.util.Set<String> warnedTls = new java.util.HashSet<>();

  /**
   * An overlay must not turn mTLS off for a service when the user turned it on explicitly for all
   * ({@code mesh.tls.mode} or {@code mesh.defaults.tls.mode}): its {@code tls.mode=disabled} is
   * dropped (WARN once), the user's global stays in force for that service.
   */
  private Map<String, String> withoutWeakenedTls(MeshConfig user, String name, Map<String, String> properties) {
    ConfigSchema schema = runtime.plugins().schema();
    io.mesh4j.config.ConfigKey<?> global = schema.globalKey("mesh.tls.mode").orElse(null);
    io.mesh4j.config.ConfigKey<?> perService = schema.serviceKey("tls.mode").orElse(null);
    String userKey = global != null && user.isSet(global) ? "mesh.tls.mode"
        : perService != null && user.isServiceDefaultSet(perService) ? "mesh.defaults.tls.mode" : null;
    if (userKey == null) {
      return properties;
    }
    Map<String, String> kept = new TreeMap<>(properties);
    boolean dropped = kept.entrySet().removeIf(e -> {
      boolean weakens = e.getKey().startsWith(SERVICES_PREFIX) && e.getKey().endsWith(".tls.mode")
          && e.getValue().trim().equalsIgnoreCase("disabled");
      if (weakens && warnedTls.size() < 1024 && warnedTls.add(name + '\0' + e.getKey())) {
        String service = e.getKey().substring(SERVICES_PREFIX.length(), e.getKey().length() - ".tls.mode".length());
        log.warn("{}{} sets {}=disabled, which is ignored: the user set {} explicitly, and an overlay may not turn"
            + " mTLS off for service '{}' (set {} in the user's configuration to do so)", OVERLAY_PREFIX, name,
            e.getKey(), userKey, service, e.getKey());
      }
      return weakens;
    });
    return dropped ? kept : properties;
  }

  /** Problems the validators found in keys the overlay contributed are the overlay's: say so. */
  private static List<ConfigProblem> locate(List<ConfigProblem> problems, Map<String, String> properties, String from) {
    List<ConfigProblem> out = new ArrayList<>();
    for (ConfigProblem p : problems) {
      boolean contributed = p.key() != null && p.location() == null && properties.containsKey(p.key());
      out.add(contributed ? new ConfigProblem(p.key(), p.value() != null ? p.value() : properties.get(p.key()), from,
          p.message()) : p);
    }
    if (out.stream().noneMatch(p -> from.equals(p.location()))) {
      out.add(new ConfigProblem(null, null, from, "the problems above come from merging " + from
          + " under the user's configuration"));
    }
    return out;
  }

  private List<ConfigProblem> withOverlayNote(List<ConfigProblem> problems) {
    List<ConfigProblem> out = new ArrayList<>(problems);
    out.add(new ConfigProblem(null, null, null, "these problems come from merging the configuration overlays ("
        + String.join(", ", overlayNames()) + ") under the edit"));
    return out;
  }

  private List<String> overlayNames() {
    return overlays.keySet().stream().map(name -> OVERLAY_PREFIX + name).toList();
  }

  /** Records a change that failed validation before it reached {@link #apply}; logs it at ERROR once. */
  public synchronized MeshConfigException rejected(String from, List<ConfigProblem> problems) {
    MeshConfigException e = new MeshConfigException(problems);
    lastRejection = new ConfigStatus.Rejection(now(), from, problems);
    log.error("mesh4j configuration change from {} rejected, nothing of it applied; still serving version {}: {}",
        from, version, e.getMessage());
    runtime.events().publish(new ConfigRejected(from, problems));
    return e;
  }

  public synchronized ConfigStatus status() {
    Map<String, Map<String, String>> inForce = new TreeMap<>();
    overlays.forEach((name, o) -> inForce.put(name, o.properties()));
    return new ConfigStatus(version, origin, appliedAt, restartRequired, lastRejection, inForce);
  }

  private void reportRestartKeys(String from, List<String> keys) {
    if (keys.equals(restartRequired)) {
      return; // said already
    }
    restartRequired = keys;
    if (!keys.isEmpty()) {
      log.warn("mesh4j configuration from {} changes keys that need a restart; they keep their running values"
          + " until the client is created again: {}", from, String.join(", ", keys));
      runtime.events().publish(new ConfigNeedsRestart(from, keys));
    }
  }

  private List<ConfigProblem> validate(MeshConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (ConfigValidator validator : runtime.plugins().validators()) {
      try {
        validator.validate(config, problems);
      } catch (RuntimeException e) {
        problems.add(new ConfigProblem(null, null, null, "validator failed: " + e));
      }
    }
    return problems;
  }

  private static List<ConfigProblem> withRestartNote(List<ConfigProblem> problems, ConfigDiff diff) {
    List<ConfigProblem> out = new ArrayList<>(problems);
    out.add(new ConfigProblem(null, null, null,
        "these problems come from keeping the running values of keys that need a restart ("
            + String.join(", ", diff.restartRequired()) + ") with the rest of the edit; restart to apply them"));
    return out;
  }

  private Instant now() {
    return Instant.ofEpochMilli(runtime.clock().wallMillis());
  }
}
