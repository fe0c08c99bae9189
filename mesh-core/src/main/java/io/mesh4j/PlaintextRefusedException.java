package io.mesh4j;

import java.io.IOException;

/**
 * A request asked for {@code https://<service>/...} but the mesh calls that service over
 * plaintext ({@code tls.mode=disabled}, or no mesh-tls on the class path). The mesh never
 * downgrades a request that asked for TLS: credentials in it must not leave in the clear.
 */
public final class PlaintextRefusedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  public PlaintextRefusedException(String service, String why) {
    super("request to https://" + service + "/... asks for TLS, but the mesh calls service '" + service
        + "' over plaintext (" + why + "): it is not sent. Use http://" + service + "/... to call it over"
        + " plaintext, or turn mTLS on for it");
    this.service = service;
  }

  // (whole: the message is complete; the flag tells this constructor from the public one)
  private PlaintextRefusedException(String service, String message, boolean whole) {
    super(message);
    this.service = service;
  }

  /**
   * A routed request refused because routing service {@code routing} requires a secured
   * connection (its {@code tls.mode} or {@code identity} is set) while the target {@code target} its
   * route chose would be called over plaintext; {@link #service()} is the target.
   */
  public static PlaintextRefusedException routedToPlaintext(String routing, String target, String why) {
    return new PlaintextRefusedException(target, "request to service '" + routing + "' is refused: service '"
        + routing + "' sets tls.mode or identity, so its requests go over mTLS, but its route chose service '"
        + target + "', which the mesh calls over plaintext (" + why + "): it is not sent", true);
  }

  public String service() {
    return service;
  }
}
