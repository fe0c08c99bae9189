package io.mesh4j.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What differs between two configurations: services added, removed and updated (with the keys that
 * changed), global keys that apply live, and global keys that need a new client. What a reload
 * applies, and what {@code io.mesh4j.config.Check old new} prints. Immutable.
 */
public final class ConfigDiff {

  private final SortedSet<String> servicesAdded;
  private final SortedSet<String> servicesRemoved;
  private final SortedMap<String, SortedSet<String>> servicesUpdated;
  private final SortedSet<String> liveGlobals;
  private final SortedSet<String> restartRequired;

  private ConfigDiff(
      SortedSet<String> added,
      SortedSet<String> removed,
      SortedMap<String, SortedSet<String>> updated,
      SortedSet<String> liveGlobals,
      SortedSet<String> restartRequired) {
    this.servicesAdded = Collections.unmodifiableSortedSet(added);
    this.servicesRemoved = Collections.unmodifiableSortedSet(removed);
    this.servicesUpdated = Collections.unmodifiableSortedMap(updated);
    this.liveGlobals = Collections.unmodifiableSortedSet(liveGlobals);
    this.restartRequired = Collections.unmodifiableSortedSet(restartRequired);
  }

  /**
   * The difference from {@code before} to {@code after}. A global key the schema does not know
   * counts as needing a restart.
   */
  public static ConfigDiff between(MeshConfig before, MeshConfig after, ConfigSchema schema) {
    Objects.requireNonNull(schema, "schema");
    SortedSet<String> added = new TreeSet<>(after.services().keySet());
    added.removeAll(before.services().keySet());
    SortedSet<String> removed = new TreeSet<>(before.services().keySet());
    removed.removeAll(after.services().keySet());
    SortedMap<String, SortedSet<String>> updated = new TreeMap<>();
    for (Map.Entry<String, ServiceConfig> e : after.services().entrySet()) {
      ServiceConfig old = before.services().get(e.getKey());
      if (old != null) {
        Set<String> changed = old.changedKeys(e.getValue());
        if (!changed.isEmpty()) {
          updated.put(e.getKey(), new TreeSet<>(changed));
        }
      }
    }
    SortedSet<String> live = new TreeSet<>();
    SortedSet<String> restart = new TreeSet<>();
    Set<String> names = new TreeSet<>(before.globalValues().keySet());
    names.addAll(after.globalValues().keySet());
    for (String name : names) {
      Optional<ConfigKey<?>> key = schema.globalKey(name);
      // effective values: a key set to its default is no change
      Object was = before.globalValues().getOrDefault(name, key.map(ConfigKey::defaultValue).orElse(null));
      Object is = after.globalValues().getOrDefault(name, key.map(ConfigKey::defaultValue).orElse(null));
      if (!Objects.equals(was, is)) {
        (key.map(ConfigKey::appliesLive).orElse(false) ? live : restart).add(name);
      }
    }
    return new ConfigDiff(added, removed, updated, live, restart);
  }

  /** Services in the new configuration only. */
  public Set<String> servicesAdded() {
    return servicesAdded;
  }

  /** Services in the old configuration only. */
  public Set<String> servicesRemoved() {
    return servicesRemoved;
  }

  /** Services in both whose effective configuration changed, with the changed keys (relative names). */
  public Map<String, SortedSet<String>> servicesUpdated() {
    return servicesUpdated;
  }

  /** Changed global keys that a running client applies. */
  public Set<String> liveGlobals() {
    return liveGlobals;
  }

  /** Changed global keys that take effect only in a new client. */
  public Set<String> restartRequired() {
    return restartRequired;
  }

  /** True when nothing differs. */
  public boolean isEmpty() {
    return servicesAdded.isEmpty()
        && servicesRemoved.isEmpty()
        && servicesUpdated.isEmpty()
        && liveGlobals.isEmpty()
        && restartRequired.isEmpty();
  }

  /** The same difference without the keys that need a restart (what a running client applies). */
  public ConfigDiff withoutRestartRequired() {
    return new ConfigDiff(
        new TreeSet<>(servicesAdded),
        new TreeSet<>(servicesRemoved),
        new TreeMap<>(servicesUpdated),
        new TreeSet<>(liveGlobals),
        new TreeSet<>());
  }

  /** One line per kind of change, for logs and the dry-run check; "no changes" when empty. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (!servicesAdded.isEmpty()) {
      lines.add("services added: " + String.join(", ", servicesAdded));
    }
    if (!servicesRemoved.isEmpty()) {
      lines.add("services removed: " + String.join(", ", servicesRemoved));
    }
    servicesUpdated.forEach(
        (service, keys) -> lines.add("service " + service + " updated: " + String.join(", ", keys)));
    if (!liveGlobals.isEmpty()) {
      lines.add("global keys changed: " + String.join(", ", liveGlobals));
    }
    if (!restartRequired.isEmpty()) {
      lines.add("needs a restart (running values kept): " + String.join(", ", restartRequired));
    }
    if (lines.isEmpty()) {
      lines.add("no changes");
    }
    return lines;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigDiff d
        && servicesAdded.equals(d.servicesAdded)
        && servicesRemoved.equals(d.servicesRemoved)
        && servicesUpdated.equals(d.servicesUpdated)
        && liveGlobals.equals(d.liveGlobals)
        && restartRequired.equals(d.restartRequired);
  }

  @Override
  public int hashCode() {
    return Objects.hash(servicesAdded, servicesRemoved, servicesUpdated, liveGlobals, restartRequired);
  }

  @Override
  public String toString() {
    return String.join("; ", describe());
  }
}
