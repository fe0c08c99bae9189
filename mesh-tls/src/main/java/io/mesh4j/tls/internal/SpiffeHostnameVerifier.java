package io.mesh4j.tls.internal;

import io.mesh4j.tls.PeerIdentityException;
import io.mesh4j.tls.SpiffeId;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The per-service check of the server's SPIFFE ID after the handshake (the trust manager has
 * already verified the chain). The host name is ignored: mesh endpoints are addresses, and the
 * identity is the SPIFFE ID. One instance per service, so OkHttp pools connections of services
 * with different allowed IDs separately even on the same address.
 *
 * <p>On a mismatch it throws {@link PeerIdentityException} rather than returning false: OkHttp
 * propagates an IOException from here as the call's failure (not retried, the socket closed), while
 * "false" would become a generic "Hostname ... not verified" message without the IDs. Java does
 * not let {@code verify} declare it, hence the unchecked rethrow.
 */
public final class SpiffeHostnameVerifier implements HostnameVerifier {

  private final String service;
  private final Set<SpiffeId> allowed;

  public SpiffeHostnameVerifier(String service, Set<SpiffeId> allowed) {
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("no allowed SPIFFE IDs for service " + service);
    }
    this.service = service;
    this.allowed = Set.copyOf(allowed);
  }

  public String service() {
    return service;
  }

  public Set<SpiffeId> allowed() {
    return allowed;
  }

  @Override
  public boolean verify(String host, SSLSession session) {
    SpiffeId actual;
    try {
      actual = io.mesh4j.tls.PeerIdentity.of(session);
    } catch (SSLPeerUnverifiedException e) {
      throw Unchecked.<RuntimeException>rethrow(
          new PeerIdentityException(service, endpoint(session), allowed, null, e.getMessage()));
    }
    if (!allowed.contains(actual)) {
      throw Unchecked.<RuntimeException>rethrow(
          new PeerIdentityException(service, endpoint(session), allowed, actual, null));
    }
    return true;
  }

  private static String endpoint(SSLSession session) {
    return session.getPeerHost() + ":" + session.getPeerPort();
  }

  @Override
  public String toString() {
    return "SpiffeHostnameVerifier{" + service + " -> " + allowed + "}";
  }

  /** Rethrows a checked exception without declaring it. */
  static final class Unchecked {
    private Unchecked() {}

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T rethrow(Throwable t) throws T {
      throw (T) t;
    }
  }
}
