package io.mesh4j.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Turns what the informers hold for one Service (the Service, its EndpointSlices) into the
 * mesh's endpoints. A pure function of its input, so the mapping is tested without a server.
 *
 * <p>Conditions (nil {@code ready} and {@code serving} mean true, nil {@code terminating} false,
 * as the API says): ready and not terminating → {@code HEALTHY}; terminating and serving →
 * {@code DRAINING}; not ready and not terminating → {@code UNHEALTHY} (kept: core sends it
 * nothing while anything better exists, and it shows in the discovery status); terminating and
 * not serving → left out (it is going away and cannot serve).
 */
public final class SliceMapper {

  /** Endpoint metadata keys. */
  public static final String POD = "pod";
  public static final String NODE = "node";
  public static final String HOSTNAME = "hostname";
  public static final String ZONE_HINTS = "zone-hints";

  private static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  private SliceMapper() {}

  /** What the informers say of one Service now. */
  public enum ServiceState {
    /** The Service exists. */
    PRESENT,
    /** The Service does not exist (deleted, or never created). */
    ABSENT,
    /** Services cannot be listed (RBAC): only the slices are known. */
    UNKNOWN
  }

  /** The outcome of a mapping. */
  public sealed interface Result permits Mapped, Absent, Failed {}

  /** The endpoints, sorted by authority so that an unchanged Service maps to an equal list. */
  public record Mapped(List<Endpoint> endpoints) implements Result {}

  /** The Service does not exist. */
  public record Absent() implements Result {}

  /** The configuration does not fit the Service (its port); the message names the key. */
  public record Failed(String message) implements Result {}

  /**
   * Maps one Service.
   *
   * @param state whether the Service exists
   * @param service the Service when {@code state} is PRESENT
   * @param slices its EndpointSlices (label {@code kubernetes.io/service-name})
   * @param port the {@code kubernetes.port} selector
   * @param portKey the key's full name, for messages
   * @param serviceRef {@code namespace/name}, for messages
   * @param skipped told of each endpoint that cannot be used (slice name, reason), to warn once
   */
  public static Result map(
      ServiceState state,
      Service service,
      List<EndpointSlice> slices,
      PortSelector port,
      String portKey,
      String serviceRef,
      BiConsumer<String, String> skipped) {
    if (state == ServiceState.ABSENT) {
      return new Absent();
    }
    List<EndpointSlice> ordered = new ArrayList<>(slices);
    ordered.sort(Comparator.comparing(SliceMapper::sliceName));
    PortSelector.Resolution resolution =
        port.resolve(state == ServiceState.PRESENT ? service : null, ordered, portKey, serviceRef);
    if (resolution instanceof PortSelector.Failed failed) {
      return new Failed(failed.message());
    }
    Map<String, Endpoint> byAuthority = new LinkedHashMap<>();
    boolean anyEndpoint = false;
    boolean anyWithPort = false;
    for (EndpointSlice slice : ordered) {
      if (slice.getEndpoints() == null || slice.getEndpoints().isEmpty()) {
        continue;
      }
      anyEndpoint = true;
      Integer number = PortSelector.portOf(slice, resolution);
      if (number == null) {
        continue;
      }
      anyWithPort = true;
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
        Endpoint mapped = map(slice, e, number, skipped);
        if (mapped != null) {
          byAuthority.merge(mapped.authority(), mapped, SliceMapper::healthier);
        }
      }
    }
    if (anyEndpoint && !anyWithPort) {
      return new Failed("no EndpointSlice of Service " + serviceRef + " has " + port.describe()
          + " (" + portKey + "; the slices' ports: " + PortSelector.describeSlicePorts(ordered) + ")");
    }
    List<Endpoint> out = new ArrayList<>(byAuthority.values());
    out.sort(Comparator.comparing(Endpoint::authority));
    return new Mapped(List.copyOf(out));
  }

  /** One endpoint of a slice; null when it is left out. */
  private static Endpoint map(
      EndpointSlice slice,
      io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e,
      int port,
      BiConsumer<String, String> skipped) {
    EndpointHealth health = health(e.getConditions());
    if (health == null) {
      return null;
    }
    // "No semantics are defined for additional addresses beyond the first, and kube-proxy does
    // not look at them" (EndpointSlice API): neither do we
    String address = e.getAddresses() == null || e.getAddresses().isEmpty() ? null : e.getAddresses().get(0);
    if (address == null || address.isBlank()) {
      skipped.accept(sliceName(slice), "an endpoint without address");
      return null;
    }
    Endpoint.Builder b;
    try {
      b = Endpoint.builder(address.trim(), port).health(health);
      String zone = zone(e);
      if (zone != null) {
        b.locality(Locality.zone(zone));
      }
      ObjectReference target = e.getTargetRef();
      if (target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
        b.metadata(POD, target.getName());
      }
      if (e.getNodeName() != null) {
        b.metadata(NODE, e.getNodeName());
      }
      if (e.getHostname() != null) {
        b.metadata(HOSTNAME, e.getHostname());
      }
      String hints = zoneHints(e.getHints());
      if (hints != null) {
        b.metadata(ZONE_HINTS, hints);
      }
      return b.build();
    } catch (IllegalArgumentException bad) {
      skipped.accept(sliceName(slice), "a bad endpoint " + address + ":" + port + " (" + bad.getMessage() + ")");
      return null;
    }
  }

  /** The endpoint's health from its conditions; null to leave it out. */
  static EndpointHealth health(EndpointConditions c) {
    boolean ready = c == null || c.getReady() == null || c.getReady();
    boolean serving = c == null || c.getServing() == null || c.getServing();
    boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
    if (terminating) {
      return serving ? EndpointHealth.DRAINING : null;
    }
    return ready ? EndpointHealth.HEALTHY : EndpointHealth.UNHEALTHY;
  }

  /** The same address twice (a pod moving between slices): the healthier entry wins. */
  private static Endpoint healthier(Endpoint a, Endpoint b) {
    return b.health().ordinal() < a.health().ordinal() ? b : a;
  }

  private static String zone(io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e) {
    if (e.getZone() != null && !e.getZone().isBlank()) {
      return e.getZone();
    }
    Map<String, String> topology = e.getDeprecatedTopology();
    return topology == null ? null : topology.get(ZONE_LABEL);
  }

  private static String zoneHints(EndpointHints hints) {
    if (hints == null || hints.getForZones() == null || hints.getForZones().isEmpty()) {
      return null;
    }
    String joined = hints.getForZones().stream()
        .map(ForZone::getName)
        .filter(Objects::nonNull)
        .sorted()
        .collect(Collectors.joining(","));
    return joined.isEmpty() ? null : joined;
  }

  private static String sliceName(EndpointSlice s) {
    return s.getMetadata() == null || s.getMetadata().getName() == null ? "" : s.getMetadata().getName();
  }
}
