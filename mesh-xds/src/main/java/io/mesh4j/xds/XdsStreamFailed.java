package io.mesh4j.xds;

import io.mesh4j.event.MeshEvent;
import java.time.Duration;

/**
 * The ADS stream to the xDS control plane failed or could not be opened. The resources already
 * received stay in force; the client opens a new stream after {@code retryIn}.
 *
 * @param server the control plane's authority ({@code host:port})
 * @param reason the gRPC status of the failure, for people
 * @param retryIn the (jittered, exponential) delay before the next attempt
 */
public record XdsStreamFailed(String server, String reason, Duration retryIn) implements MeshEvent {

  static final String STATE_KEY = "xds/stream";

  @Override
  public String service() {
    return null;
  }

  @Override
  public String stateKey() {
    return STATE_KEY;
  }
}
