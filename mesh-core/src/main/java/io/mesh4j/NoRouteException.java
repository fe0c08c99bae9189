package io.mesh4j;

import java.io.IOException;

/**
 * The router of the service a request addressed sent it nowhere: no route matched it (Envoy's 404
 * "NR"), or the route chose what cannot serve it (a name that is not a mesh service, a service
 * that routes again, an override that does not parse). An {@link IOException} like the mesh's
 * other per-request failures, so OkHttp's callbacks receive it.
 */
public final class NoRouteException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  public NoRouteException(String service, String message) {
    super(message);
    this.service = service;
  }

  /** No route of service {@code service} matched the request to {@code host}{@code path}. */
  public static NoRouteException noMatch(String service, String host, String path, String reason) {
    return new NoRouteException(service, "no route of service '" + service + "' matches the request to "
        + host + path + ": " + reason);
  }

  /** The service the request addressed (whose router decided). */
  public String service() {
    return service;
  }
}
