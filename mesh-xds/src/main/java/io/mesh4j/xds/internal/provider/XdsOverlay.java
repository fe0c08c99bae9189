package io.mesh4j.xds.internal.provider;

import io.mesh4j.config.ConfigOverlay;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The backend's one configuration overlay, shared by its watches: each contributes its own
 * properties under an owner name (a service's cluster keys, a listener's derived services), and
 * every change sets the whole merged map, as {@link ConfigOverlay#set} replaces everything. Sets are
 * issued under this object's lock so that the last one issued is the newest merge.
 *
 * <p>A rejected change is forgotten (the owner's previous properties are put back here, as they are
 * still in force in the mesh), so one bad contribution does not make every later change fail.
 */
final class XdsOverlay {

  private final ConfigOverlay overlay;
  private final Map<String, Map<String, String>> byOwner = new HashMap<>();

  XdsOverlay(ConfigOverlay overlay) {
    this.overlay = overlay;
  }

  /** Replaces what {@code owner} contributes (empty: withdraws it); never blocks. */
  synchronized CompletableFuture<Void> put(String owner, Map<String, String> properties) {
    Map<String, String> copy = Map.copyOf(properties);
    Map<String, String> previous = byOwner.getOrDefault(owner, Map.of());
    if (copy.equals(previous)) {
      return CompletableFuture.completedFuture(null);
    }
    if (copy.isEmpty()) {
      byOwner.remove(owner);
    } else {
      byOwner.put(owner, copy);
    }
    Map<String, String> merged = new TreeMap<>();
    byOwner.values().forEach(merged::putAll);
    CompletableFuture<Void> applied = overlay.set(merged);
    applied.whenComplete((ok, failure) -> {
      if (failure != null) {
        restore(owner, copy, previous);
      }
    });
    return applied;
  }

  private synchronized void restore(String owner, Map<String, String> rejected, Map<String, String> previous) {
    if (rejected.equals(byOwner.getOrDefault(owner, Map.of()))) {
      if (previous.isEmpty()) {
        byOwner.remove(owner);
      } else {
        byOwner.put(owner, previous);
      }
    }
  }

  String source() {
    return overlay.source();
  }
}
