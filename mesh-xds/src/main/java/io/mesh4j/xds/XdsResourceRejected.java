package io.mesh4j.xds;

import io.mesh4j.event.MeshEvent;

/**
 * A discovery response of one resource type had invalid resources and was NACKed; its valid
 * resources were applied, the invalid ones keep their last good version. Published for each NACK
 * sent (repeats of the same bad version are damped). The latest one per type is replayed to late
 * subscribers.
 *
 * @param typeUrl the xDS type, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}
 * @param version the rejected response's {@code version_info}
 * @param nonce the rejected response's nonce
 * @param detail the NACK's {@code error_detail} message: one {@code "name: error"} per problem
 */
public record XdsResourceRejected(String typeUrl, String version, String nonce, String detail)
    implements MeshEvent {

  @Override
  public String service() {
    return null;
  }

  @Override
  public String stateKey() {
    return "xds/rejected/" + typeUrl;
  }
}
