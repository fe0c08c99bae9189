package io.mesh4j.xds;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a client's xDS connection knows now, for admin endpoints (as Envoy's CSDS shows it): the ADS
 * stream's state and, per resource type ({@code LDS}, {@code RDS}, {@code CDS}, {@code EDS}), the
 * last ACKed version, the last nonce, the last NACK and the state of each subscribed resource.
 * Immutable; read it from any service using {@code discovery=xds}:
 *
 * <pre>{@code
 * XdsStatus xds = mesh.discoveryStatus("orders").orElseThrow()
 *     .attributes().get(XdsDiscoveryProvider.STATUS).get();
 * }</pre>
 *
 * @param stream {@code IDLE}, {@code CONNECTING}, {@code CONNECTED}, {@code BACKING_OFF} or {@code CLOSED}
 * @param lastStreamError why the stream last failed, while it has not recovered; else null
 * @param types by type's short name ({@code LDS}, {@code RDS}, {@code CDS}, {@code EDS}), the types
 *     subscribed to at least once
 */
public record XdsStatus(String stream, String lastStreamError, Map<String, TypeStatus> types) {

  public XdsStatus {
    types = Map.copyOf(types);
  }

  /**
   * @param ackedVersion the last ACKed {@code version_info} ("" before the first ACK)
   * @param lastNonce the nonce of the last response on the current stream
   * @param lastNack the last NACK sent, even when a later version was ACKed
   * @param resources each subscribed name's state: {@code REQUESTED}, {@code ACKED}, {@code NACKED}
   *     (the latest version was rejected; the last good one, if any, is in force) or {@code DOES_NOT_EXIST}
   */
  public record TypeStatus(String ackedVersion, String lastNonce, Optional<Nack> lastNack,
      Map<String, String> resources) {

    public TypeStatus {
      resources = Map.copyOf(resources);
    }

    /** The subscribed names, sorted. */
    public List<String> subscribedNames() {
      return resources.keySet().stream().sorted().toList();
    }
  }

  /**
   * A NACK sent to the server.
   *
   * @param version the rejected response's {@code version_info}
   * @param nonce the rejected response's nonce
   * @param detail the NACK's {@code error_detail} message: {@code "<resource>: <field>: <problem>"}, {@code "; "}-separated
   * @param time when it was sent
   */
  public record Nack(String version, String nonce, String detail, Instant time) {}
}
