package io.mesh4j.tls;

import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The peer of a mesh connection is not one of the SPIFFE IDs allowed for it. Names the service,
 * the endpoint, the allowed IDs and the ID the peer actually presented.
 */
public final class PeerIdentityException extends SSLPeerUnverifiedException {

  private static final long serialVersionUID = 1L;

  private final String service;
  private final String endpoint;
  private final transient Set<SpiffeId> expected;
  private final transient SpiffeId actual;

  /**
   * @param service the service called (or, on the server side, "caller")
   * @param endpoint the peer's address, {@code host:port}
   * @param expected the allowed IDs
   * @param actual the peer's verified ID; null when it presented none that could be read
   * @param reason why, when more than "not allowed" is to be said; may be null
   */
  public PeerIdentityException(
      String service, String endpoint, Set<SpiffeId> expected, SpiffeId actual, String reason) {
    super(message(service, endpoint, expected, actual, reason));
    this.service = service;
    this.endpoint = endpoint;
    this.expected = Set.copyOf(expected);
    this.actual = actual;
  }

  private static String message(String service, String endpoint, Set<SpiffeId> expected, SpiffeId actual, String reason) {
    return "peer identity rejected for service '" + service + "' at " + endpoint
        + ": expected " + (expected.size() == 1 ? expected.iterator().next() : "one of " + new TreeSet<>(expected))
        + ", got " + (actual == null ? "no SPIFFE ID" : actual.toString())
        + (reason == null ? "" : " (" + reason + ")");
  }

  public String service() {
    return service;
  }

  public String endpoint() {
    return endpoint;
  }

  public Set<SpiffeId> expected() {
    return expected;
  }

  /** The peer's ID, or null when none could be read. */
  public SpiffeId actual() {
    return actual;
  }
}
