package io.mesh4j.tls;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Trust bundles by trust domain: this workload's own and any federated ones. A peer is verified
 * only against the bundle of the trust domain its SPIFFE ID names. Immutable.
 */
public final class TrustBundleSet {

  private final Map<TrustDomain, TrustBundle> bundles;

  private TrustBundleSet(Map<TrustDomain, TrustBundle> bundles) {
    this.bundles = bundles;
  }

  public static TrustBundleSet of(TrustBundle... bundles) {
    return of(List.of(bundles));
  }

  /** @throws IllegalArgumentException when two bundles name the same trust domain */
  public static TrustBundleSet of(Collection<TrustBundle> bundles) {
    Map<TrustDomain, TrustBundle> m = new TreeMap<>();
    for (TrustBundle b : bundles) {
      if (m.put(b.trustDomain(), b) != null) {
        throw new IllegalArgumentException("two trust bundles for trust domain " + b.trustDomain());
      }
    }
    return new TrustBundleSet(java.util.Collections.unmodifiableMap(m));
  }

  public Optional<TrustBundle> forTrustDomain(TrustDomain td) {
    return Optional.ofNullable(bundles.get(td));
  }

  public Map<TrustDomain, TrustBundle> bundles() {
    return bundles;
  }

  /** Every authority of every bundle (for {@code getAcceptedIssuers}). */
  public List<X509Certificate> allAuthorities() {
    List<X509Certificate> all = new ArrayList<>();
    for (TrustBundle b : bundles.values()) {
      all.addAll(b.authorities());
    }
    return all;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustBundleSet && ((TrustBundleSet) o).bundles.equals(bundles);
  }

  @Override
  public int hashCode() {
    return bundles.hashCode();
  }

  @Override
  public String toString() {
    return "TrustBundleSet" + bundles.values();
  }
}
