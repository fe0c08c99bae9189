package io.mesh4j;

import javax.net.ssl.SSLException;

/**
 * The mesh called a service over mTLS and the endpoint answered the TLS ClientHello with something
 * that is not TLS (a plaintext HTTP response, typically {@code HTTP/1.1 400 Bad Request}): the
 * backend serves plaintext, and the mesh was not told ({@code
 * mesh.services.<name>.tls.mode=disabled}).
 *
 * <p>A configuration error, not a failure of the endpoint: every endpoint of the service will
 * answer the same way. So it is not retried on another endpoint, does not eject the endpoint
 * (outlier detection), does not count against the circuit breaker, and wins over the call's {@code
 * timeout} when both happen (the caller sees this message, not a bare {@link
 * MeshTimeoutException}). Nothing of the request was sent.
 */
public final class TlsMismatchException extends SSLException {

  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final String answer;
  private final String service; // null until the mesh knows which service the attempt was for

  /**
   * @param endpoint {@code host:port} of the server
   * @param answer what the server sent instead of TLS, for the message (e.g. {@code 'HTTP/1.1 400
   *     Bad Request'}); never request or response bodies
   */
  public TlsMismatchException(String endpoint, String answer, Throwable cause) {
    this(endpoint, answer, null, cause);
  }

  private TlsMismatchException(String endpoint, String answer, String service, Throwable cause) {
    super(message(endpoint, answer, service), cause);
    this.endpoint = endpoint;
    this.answer = answer;
    this.service = service;
  }

  private static String message(String endpoint, String answer, String service) {
    String name = service == null ? "<name>" : service;
    return "TLS handshake with " + endpoint + (service == null ? "" : " (service '" + service + "')")
        + ": the server answered with plaintext, not TLS (" + answer + "); is the endpoint serving plaintext? "
        + "Call it over plaintext with mesh.services." + name + ".tls.mode=disabled (or mesh.tls.mode=disabled "
        + "for all services), or serve TLS there; see docs/tls.md";
  }

  /** The same failure, its message naming the service's own key. */
  public TlsMismatchException forService(String service) {
    if (service == null || service.equals(this.service)) {
      return this;
    }
    return new TlsMismatchException(endpoint, answer, service, this);
  }

  /** {@code host:port} of the endpoint that answered. */
  public String endpoint() {
    return endpoint;
  }

  /** What the endpoint answered, as shown in the message. */
  public String answer() {
    return answer;
  }

  /** The service the attempt was for; null when not known (outside a mesh call). */
  public String service() {
    return service;
  }
}
