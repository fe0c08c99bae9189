package io.mesh4j.tls;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The X.509 authorities (CA certificates) that sign SVIDs of one trust domain. During a CA roll
 * over it holds the old and the new root. Immutable.
 */
public final class TrustBundle {

  private final TrustDomain trustDomain;
  private final List<X509Certificate> authorities;

  private TrustBundle(TrustDomain trustDomain, List<X509Certificate> authorities) {
    this.trustDomain = trustDomain;
    this.authorities = authorities;
  }

  /**
   * @throws IllegalArgumentException when there are no authorities or one is not a CA
   */
  public static TrustBundle of(TrustDomain trustDomain, List<X509Certificate> authorities) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("trust bundle for " + trustDomain + " has no authorities");
    }
    List<X509Certificate> copy = new ArrayList<>();
    for (X509Certificate c : authorities) {
      if (c.getBasicConstraints() < 0) {
        throw new IllegalArgumentException(
            "trust bundle for " + trustDomain + " holds a non-CA certificate (" + c.getSubjectX500Principal() + ")");
      }
      if (!copy.contains(c)) {
        copy.add(c);
      }
    }
    return new TrustBundle(trustDomain, List.copyOf(copy));
  }

  public TrustDomain trustDomain() {
    return trustDomain;
  }

  public List<X509Certificate> authorities() {
    return authorities;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustBundle
        && ((TrustBundle) o).trustDomain.equals(trustDomain)
        && ((TrustBundle) o).authorities.equals(authorities);
  }

  @Override
  public int hashCode() {
    return trustDomain.hashCode() * 31 + authorities.hashCode();
  }

  @Override
  public String toString() {
    return "TrustBundle{" + trustDomain + ", " + authorities.size() + " authorities}";
  }
}
