package io.mesh4j.internal.runtime;

import io.mesh4j.config.ConfigDiff;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.ConfigStatus;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ConfigValidator;
import io.mesh4j.event.ConfigApplied;
import io.mesh4j.event.ConfigNeedsRestart;
import io.mesh4j.event.ConfigRejected;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a new validated configuration into a change of the running client: keeps the running
 * value of keys that need a restart (and says so once), applies the rest through {@link
 * MeshRuntime#apply}, and keeps the {@link ConfigStatus}. Every outcome is logged once and
 * published as an event. Serialized: one change at a time.
 */
public final class ConfigApplier {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.config");

  private final MeshRuntime runtime;
  private long version = 1;
  private String origin;
  private Instant appliedAt;
  private List<String> restartRequired = List.of();
  private ConfigStatus.Rejection lastRejection;

  public ConfigApplier(MeshRuntime runtime, String origin) {
    this.runtime = runtime;
    this.origin = origin;
    this.appliedAt = now();
  }

  /**
   * Applies {@code loaded} (a configuration that passed the loader's validation) and returns what
   * changed in the running client; an empty diff when nothing did.
   *
   * @throws MeshConfigException when it cannot apply; nothing was applied, the rejection recorded
   * @throws IllegalStateException when the client is closed
   */
  public synchronized ConfigDiff apply(MeshConfig loaded, String from) {
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
      throw e; // closed meanwhile
    } catch (RuntimeException e) {
      // a module refusing a service, or a bug: the runtime undid what it had done
      throw rejected(from, List.of(new ConfigProblem(null, null, null, "the change could not be applied: " + e)));
    }
    version++;
    origin = from;
    appliedAt = now();
    log.info("mesh4j configuration version {} from {} applied: {}", version, from, diff);
    runtime.events().publish(new ConfigApplied(version, from, diff));
    return diff;
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
    return new ConfigStatus(version, origin, appliedAt, restartRequired, lastRejection);
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
