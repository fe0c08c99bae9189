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

  public String service() {
    return service;
  }
}
