package io.mesh4j.xds;

import io.mesh4j.event.MeshEvent;
import java.util.List;

/**
 * A discovery response of one resource type was valid and ACKed. The latest one per type is
 * replayed to late subscribers.
 *
 * @param typeUrl the xDS type, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}
 * @param version the response's {@code version_info}, now the type's ACKed version
 * @param nonce the response's nonce
 * @param names the names of the resources the client subscribed to that the response carried
 */
public record XdsResourceAccepted(String typeUrl, String version, String nonce, List<String> names)
    implements MeshEvent {

  public XdsResourceAccepted {
    names = List.copyOf(names);
  }

  @Override
  public String service() {
    return null;
  }

  @Override
  public String stateKey() {
    return "xds/accepted/" + typeUrl;
  }
}
