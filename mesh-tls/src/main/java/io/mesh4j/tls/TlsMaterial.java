package io.mesh4j.tls;

import java.util.Objects;

/**
 * What a {@link X509Source} currently holds: this workload's SVID and the bundles it trusts.
 *
 * @param svid the SVID to present
 * @param bundles the trust bundles to verify peers against
 */
public record TlsMaterial(X509Svid svid, TrustBundleSet bundles) {
  public TlsMaterial {
    Objects.requireNonNull(svid, "svid");
    Objects.requireNonNull(bundles, "bundles");
  }
}
