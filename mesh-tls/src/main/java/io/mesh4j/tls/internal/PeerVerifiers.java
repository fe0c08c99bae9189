package io.mesh4j.tls.internal;

import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.tls.SpiffeId;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link SpiffeHostnameVerifier} per service while the service's allowed identities stay the
 * same. OkHttp keys its connection pool on the verifier instance, so a changed set gets a new
 * instance: connections checked against the old set are never handed to requests of the new one.
 *
 * <p>Only the service's current snapshot may install a verifier. A request still running on an
 * older snapshot whose identities differ (or on a removed service) gets one of its own, kept only
 * while that snapshot is reachable, so in-flight requests are still checked without displacing
 * the current verifier.
 */
public final class PeerVerifiers {

  private static final Logger log = LoggerFactory.getLogger(PeerVerifiers.class);

  /** The current verifier of a service and the last current snapshot known to map to it. */
  private record Slot(Set<SpiffeId> allowed, SpiffeHostnameVerifier verifier, ServiceSnapshot seen) {}

  private final Function<String, Optional<ServiceSnapshot>> currentSnapshot;
  private final Function<ServiceSnapshot, Set<SpiffeId>> identities;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  /** Verifiers of superseded snapshots; weak, so they go with the last request on them. */
  private final Map<ServiceSnapshot, SpiffeHostnameVerifier> superseded =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * @param currentSnapshot the snapshot a request starting now would run on, empty when the mesh
   *     does not route the service
   * @param identities the allowed IDs of a snapshot
   */
  public PeerVerifiers(
      Function<String, Optional<ServiceSnapshot>> currentSnapshot, Function<ServiceSnapshot, Set<SpiffeId>> identities) {
    this.currentSnapshot = currentSnapshot;
    this.identities = identities;
  }

  /** The verifier for requests running on {@code snapshot}. */
  public SpiffeHostnameVerifier forSnapshot(ServiceSnapshot snapshot) {
    String name = snapshot.name();
    Slot slot = slots.get(name);
    if (slot != null && slot.seen() == snapshot) {
      return slot.verifier(); // the common case: nothing changed since the last request
    }
    Set<SpiffeId> allowed = identities.apply(snapshot);
    if (slot != null && slot.allowed().equals(allowed)) {
      if (isCurrent(snapshot)) {
        slots.replace(name, slot, new Slot(allowed, slot.verifier(), snapshot)); // best effort: a cache hint
      }
      return slot.verifier();
    }
    Slot installed = isCurrent(snapshot) ? install(snapshot, allowed) : null;
    if (installed != null && installed.allowed().equals(allowed)) {
      return installed.verifier();
    }
    return superseded.computeIfAbsent(snapshot, s -> new SpiffeHostnameVerifier(name, allowed));
  }

  /** The verifier of the service's current snapshot; empty when the mesh does not route it now. */
  public Optional<SpiffeHostnameVerifier> current(String service) {
    return currentSnapshot.apply(service).map(this::forSnapshot);
  }

  private Slot install(ServiceSnapshot snapshot, Set<SpiffeId> allowed) {
    return slots.compute(snapshot.name(), (name, old) -> {
      if (old != null && old.allowed().equals(allowed)) {
        return new Slot(allowed, old.verifier(), snapshot);
      }
      if (!isCurrent(snapshot)) {
        return old; // a newer snapshot was published meanwhile: it decides, not this one
      }
      if (old != null) {
        log.info("service '{}': servers must now present {} (was {}); pooled connections checked against the "
            + "old identities are not used for its requests any more", name, allowed, old.allowed());
      }
      return new Slot(allowed, new SpiffeHostnameVerifier(name, allowed), snapshot);
    });
  }

  private boolean isCurrent(ServiceSnapshot snapshot) {
    return currentSnapshot.apply(snapshot.name()).map(now -> Objects.equals(now, snapshot)).orElse(false);
  }

  /** Drops a removed service's verifiers; its requests still in flight get one of their own. */
  public void remove(String service) {
    slots.remove(service);
    synchronized (superseded) {
      superseded.keySet().removeIf(s -> s.name().equals(service));
    }
  }

  /** The services that have a cached current verifier (for tests and diagnostics). */
  public Set<String> cachedServices() {
    return Set.copyOf(slots.keySet());
  }
}
