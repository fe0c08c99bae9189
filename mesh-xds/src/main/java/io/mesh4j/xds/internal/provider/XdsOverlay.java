package io.mesh4j.xds.internal.provider;

import io.mesh4j.MeshClosedException;
import io.mesh4j.config.ConfigOverlay;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backend's one configuration overlay, shared by its watches: each watch contributes its own
 * properties under its own {@link Owner} (one per watch instance, so a service resubscribed to
 * another cluster never has its new keys withdrawn by the old watch's close), and every change sets
 * the whole merged map, as {@link ConfigOverlay#set} replaces everything. Sets are issued under this
 * object's lock so that the last one issued is the newest merge; where two owners set the same key,
 * the newer owner wins.
 *
 * <p>A rejected set undoes only its culprit (a contribution rejected before, else the owner whose
 * keys the rejection names, else the owner whose put issued it): the culprit's previous properties
 * are put back (still in force in the mesh) and its put fails; the merged map is sent again, so
 * every other owner's change still applies, and their puts complete from that resend.
 */
final class XdsOverlay {

  /** Who contributes: one per watch instance; identity matters, the name is for logs. */
  static final class Owner {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final String name;
    private final long order = SEQUENCE.incrementAndGet();

    Owner(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name + "#" + order;
    }
  }

  /** One owner's properties, and its put's result: completed when a set containing them applied. */
  private static final class Contribution {
    final Map<String, String> properties;
    final CompletableFuture<Void> applied;
    /** Set under the overlay's lock (the future completes later, outside it). */
    boolean settled;
    boolean rejected;

    Contribution(Map<String, String> properties, CompletableFuture<Void> applied) {
      this.properties = properties;
      this.applied = applied;
    }
  }

  private final ConfigOverlay overlay;
  /** What each owner wants now (an empty contribution is a withdrawal not yet applied). */
  private final Map<Owner, Contribution> desired = new HashMap<>();
  /** What each owner has in force in the mesh (what a rejected change falls back to). */
  private final Map<Owner, Map<String, String>> inForce = new HashMap<>();

  XdsOverlay(ConfigOverlay overlay) {
    this.overlay = overlay;
  }

  /**
   * Replaces what {@code owner} contributes (empty: withdraws it); never blocks. The same
   * contribution again returns the pending put's future: it completes when they are applied.
   */
  CompletableFuture<Void> put(Owner owner, Map<String, String> properties) {
    Map<String, String> copy = Map.copyOf(properties);
    Issued issued;
    Contribution next;
    synchronized (this) {
      Contribution current = desired.get(owner);
      if (current == null ? copy.isEmpty() : copy.equals(current.properties)) {
        return current == null ? CompletableFuture.completedFuture(null) : current.applied;
      }
      next = new Contribution(copy, new CompletableFuture<>());
      desired.put(owner, next);
      issued = issue(owner);
    }
    issued.listen();
    return next.applied;
  }

  /**
   * A set issued (under the lock, so sets go out in merge order); its result is listened to outside
   * the lock: the owners' callbacks take their own locks, and call {@link #put} under them.
   */
  private final class Issued {
    private final Owner putter;
    private final Map<Owner, Contribution> sent;
    private final CompletableFuture<Void> result;

    Issued(Owner putter, Map<Owner, Contribution> sent, CompletableFuture<Void> result) {
      this.putter = putter;
      this.sent = sent;
      this.result = result;
    }

    void listen() {
      result.whenComplete((ok, failure) -> onResult(putter, sent, failure));
    }
  }

  private Issued issue(Owner putter) {
    Map<Owner, Contribution> sent = Map.copyOf(desired);
    return new Issued(putter, sent, overlay.set(merge(sent)));
  }

  private static Map<String, String> merge(Map<Owner, Contribution> contributions) {
    Map<String, String> merged = new TreeMap<>();
    contributions.entrySet().stream()
        .sorted(Comparator.comparingLong(e -> e.getKey().order))
        .forEach(e -> merged.putAll(e.getValue().properties));
    return merged;
  }

  private void onResult(Owner putter, Map<Owner, Contribution> sent, Throwable failure) {
    List<Runnable> completions = new ArrayList<>();
    Issued resend;
    synchronized (this) {
      resend = settle(putter, sent, failure, completions);
    }
    completions.forEach(Runnable::run); // outside the lock: the owners' callbacks run here
    if (resend != null) {
      resend.listen();
    }
  }

  /** Records a set's outcome; returns the resend it needs, or null. */
  private Issued settle(Owner putter, Map<Owner, Contribution> sent, Throwable failure, List<Runnable> completions) {
    if (failure == null) {
      sent.forEach((owner, contribution) -> {
        inForce.put(owner, contribution.properties);
        if (desired.get(owner) == contribution && contribution.properties.isEmpty()) {
          desired.remove(owner); // a withdrawal applied: nothing of this owner is left
          inForce.remove(owner);
        }
        settle(contribution, null, completions);
      });
      return null;
    }
    if (isClosed(failure)) {
      sent.values().forEach(c -> settle(c, failure, completions));
      return null;
    }
    Owner culprit = culprit(putter, sent, failure);
    if (culprit != null) {
      Contribution rejected = sent.get(culprit);
      if (desired.get(culprit) == rejected) {
        Map<String, String> previous = inForce.getOrDefault(culprit, Map.of());
        if (previous.isEmpty()) {
          desired.remove(culprit);
        } else {
          Contribution restored = new Contribution(previous, CompletableFuture.completedFuture(null));
          restored.settled = true;
          desired.put(culprit, restored);
        }
      }
      rejected.rejected = true;
      settle(rejected, failure, completions);
    }
    // the others' changes were rejected only with the culprit's: send the merge without it
    List<Contribution> waiting = sent.entrySet().stream()
        .filter(e -> e.getKey() != culprit && !e.getValue().settled)
        .map(Map.Entry::getValue).toList();
    if (waiting.isEmpty()) {
      return null;
    }
    if (culprit != null && !merge(desired).equals(merge(sent))) {
      return issue(null);
    }
    waiting.forEach(c -> settle(c, failure, completions)); // no culprit found: no progress to make
    return null;
  }

  private static void settle(Contribution c, Throwable failure, List<Runnable> completions) {
    c.settled = true;
    completions.add(failure == null ? () -> c.applied.complete(null) : () -> c.applied.completeExceptionally(failure));
  }

  /** Whose change a rejection is about: one rejected before, else the one whose keys it names, else the putter. */
  private Owner culprit(Owner putter, Map<Owner, Contribution> sent, Throwable failure) {
    for (Map.Entry<Owner, Contribution> e : sent.entrySet()) {
      if (e.getValue().rejected) {
        return e.getKey();
      }
    }
    String message = ClusterDiscovery.rootMessage(failure);
    for (Map.Entry<Owner, Contribution> e : sent.entrySet()) {
      Map<String, String> changed = e.getValue().properties;
      if (changed.equals(inForce.getOrDefault(e.getKey(), Map.of()))) {
        continue; // unchanged properties were accepted before
      }
      for (String key : changed.keySet()) {
        if (message.contains(key)) {
          return e.getKey();
        }
      }
    }
    return putter != null && sent.containsKey(putter) ? putter : null;
  }

  private static boolean isClosed(Throwable failure) {
    Throwable t = failure;
    while (t != null) {
      if (t instanceof MeshClosedException) {
        return true;
      }
      t = t.getCause();
    }
    return false;
  }

  String source() {
    return overlay.source();
  }
}
