package io.mesh4j.xds.internal.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the client knows of its ADS stream, per resource type: for admin endpoints and tests.
 *
 * @param stream the stream's state now
 * @param lastStreamError why the stream last failed while it has not recovered (a response
 *     received), else null
 * @param types every resource type the client has subscribed to at least once
 */
public record XdsClientStatus(StreamState stream, String lastStreamError, Map<XdsResourceType, TypeStatus> types) {

  public XdsClientStatus {
    types = Map.copyOf(types);
  }

  public TypeStatus type(XdsResourceType type) {
    return types.getOrDefault(type, TypeStatus.NONE);
  }

  public enum StreamState {
    /** No resource watched yet: no stream. */
    IDLE,
    /** A stream was opened; its transport is not connected yet. */
    CONNECTING,
    /** The stream's transport is connected. */
    CONNECTED,
    /** The stream failed; a new one opens after the backoff delay. */
    BACKING_OFF,
    /** The client was closed. */
    CLOSED
  }

  /**
   * @param ackedVersion the last ACKed {@code version_info} ("" before the first ACK)
   * @param lastNonce the nonce of the last response on the current stream
   * @param lastNack the last NACK sent, even when a later version was ACKed
   * @param subscribedNames the names subscribed now, sorted
   * @param resources the state of each subscribed name
   */
  public record TypeStatus(
      String ackedVersion,
      String lastNonce,
      Optional<Nack> lastNack,
      List<String> subscribedNames,
      Map<String, ResourceState> resources) {

    static final TypeStatus NONE = new TypeStatus("", "", Optional.empty(), List.of(), Map.of());

    public TypeStatus {
      subscribedNames = List.copyOf(subscribedNames);
      resources = Map.copyOf(resources);
    }
  }

  /** Where one subscribed resource stands (as Envoy's CSDS ClientResourceStatus). */
  public enum ResourceState {
    /** Subscribed, not answered yet. */
    REQUESTED,
    /** A valid version was received and is in force. */
    ACKED,
    /** The server's latest version of it was rejected; the last good one, if any, stays in force. */
    NACKED,
    /** Removed by the server, or not answered within the missing-resource timeout. */
    DOES_NOT_EXIST
  }

  /**
   * A NACK the client sent.
   *
   * @param version the rejected response's {@code version_info}
   * @param nonce the rejected response's nonce
   * @param detail the {@code error_detail} message
   * @param time when it was sent (wall clock)
   */
  public record Nack(String version, String nonce, String detail, Instant time) {}
}
