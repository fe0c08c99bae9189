package io.mesh4j.tls;

import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The peer of a mesh connection is not one of the SPIFFE IDs allowed for it.
 *
 * <p>Client side (the constructor): the server of a called service; names the service, the
 * endpoint, the allowed IDs and the ID the server presented. Server side ({@link #forCaller}): a
 * caller that a {@link CallerPolicy} does not allow; {@link #service()} is null, {@link
 * #endpoint()} is the caller's address and {@link #expected()} the policy's IDs and prefixes.
 */
public final class PeerIdentityException extends SSLPeerUnverifiedException {

  private static final long serialVersionUID = 1L;

  private final String service; // null for a rejected caller
  private final String endpoint;
  private final transient Set<SpiffeId> expected;
  private final transient SpiffeId actual;

  /**
   * @param service the service called
   * @param endpoint the peer's address, {@code host:port}
   * @param expected the allowed IDs
   * @param actual the peer's verified ID; null when it presented none that could be read
   * @param reason why, when more than "not allowed" is to be said; may be null
   */
  public PeerIdentityException(
      String service, String endpoint, Set<SpiffeId> expected, SpiffeId actual, String reason) {
    this(message(service, endpoint, expected, actual, reason), service, endpoint, expected, actual);
  }

  private PeerIdentityException(
      String message, String service, String endpoint, Set<SpiffeId> expected, SpiffeId actual) {
    super(message);
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

  /**
   * A server-side rejection: {@code caller spiffe://example.org/payments at 127.0.0.1:33820 is
   * not allowed by CallerPolicy allow(spiffe://example.org/frontend)}.
   *
   * @param caller the caller's verified ID; null when none could be read
   * @param endpoint the caller's address, {@code host:port}
   * @param policy the policy that refused it
   * @param reason why no ID could be read, when {@code caller} is null; may be null
   */
  public static PeerIdentityException forCaller(
      SpiffeId caller, String endpoint, CallerPolicy policy, String reason) {
    String who = caller == null
        ? "caller at " + endpoint + " presented no SPIFFE ID" + (reason == null ? "" : " (" + reason + ")") + " and"
        : "caller " + caller + " at " + endpoint;
    return new PeerIdentityException(
        who + " is not allowed by " + policy, null, endpoint, policy.allowedIds(), caller);
  }

  /** The service called, on the client side; null for a caller rejected on the server side. */
  public String service() {
    return service;
  }

  /** The peer's address: the server called, or the rejected caller. */
  public String endpoint() {
    return endpoint;
  }

  /** The allowed IDs (server side: the policy's exact IDs and prefixes). */
  public Set<SpiffeId> expected() {
    return expected;
  }

  /** The peer's ID, or null when none could be read. */
  public SpiffeId actual() {
    return actual;
  }
}
