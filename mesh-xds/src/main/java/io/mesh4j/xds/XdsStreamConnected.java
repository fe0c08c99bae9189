package io.mesh4j.xds;

import io.mesh4j.event.MeshEvent;

/**
 * The ADS stream to the xDS control plane is up (its transport is connected). Shares its state key
 * with {@link XdsStreamFailed}: the bus replays whichever came last.
 *
 * @param server the control plane's authority ({@code host:port})
 */
public record XdsStreamConnected(String server) implements MeshEvent {

  @Override
  public String service() {
    return null;
  }

  @Override
  public String stateKey() {
    return XdsStreamFailed.STATE_KEY;
  }
}
