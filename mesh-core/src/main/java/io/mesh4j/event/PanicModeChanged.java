package io.mesh4j.event;

/**
 * A service entered or left panic mode: too few of its endpoints are healthy, so the mesh balances
 * over all endpoints of the priority that lacks them rather than overload the few (Envoy's panic
 * threshold, per priority: see docs/load-balancing.md, "Zones and priorities").
 *
 * @param healthy endpoints healthy now
 * @param total endpoints discovered now
 */
public record PanicModeChanged(String service, boolean panic, int healthy, int total) implements MeshEvent {}
