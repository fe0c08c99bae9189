package io.mesh4j.event;

import java.time.Instant;

/**
 * The workload's SVID as the mesh presents it: published when TLS starts, after each rotation and
 * after each failed renewal. Client-wide; the latest is replayed to new subscribers.
 *
 * @param spiffeId the SVID's SPIFFE ID
 * @param serialHex the leaf's serial number, hex
 * @param notAfter when the leaf expires
 * @param rotations how many times a new SVID replaced the previous one
 * @param renewalFailures renewals or reloads that failed since the start
 * @param lastFailure the last failure's message, or null
 */
public record SvidStatusChanged(
    String spiffeId, String serialHex, Instant notAfter, long rotations, long renewalFailures, String lastFailure)
    implements MeshEvent {

  @Override
  public String service() {
    return null;
  }

  @Override
  public String stateKey() {
    return "svid";
  }
}
