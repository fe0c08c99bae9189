package io.mesh4j.tls;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Which callers a server accepts, by SPIFFE ID: exact IDs and whole-segment prefixes. Immutable;
 * build with {@link #allow}, {@link #allowUnder} and {@link #or}.
 */
public final class CallerPolicy {

  private final Set<SpiffeId> exact;
  private final Set<SpiffeId> prefixes;

  private CallerPolicy(Set<SpiffeId> exact, Set<SpiffeId> prefixes) {
    this.exact = Set.copyOf(exact);
    this.prefixes = Set.copyOf(prefixes);
  }

  /** Allows exactly these IDs. */
  public static CallerPolicy allow(SpiffeId... ids) {
    return new CallerPolicy(Set.of(ids), Set.of());
  }

  /** Allows exactly these IDs (parsed). */
  public static CallerPolicy allow(List<String> ids) {
    Set<SpiffeId> s = new LinkedHashSet<>();
    for (String id : ids) {
      s.add(SpiffeId.parse(id));
    }
    return new CallerPolicy(s, Set.of());
  }

  /** Allows {@code prefix} and every ID below it by whole path segments. */
  public static CallerPolicy allowUnder(SpiffeId prefix) {
    return new CallerPolicy(Set.of(), Set.of(Objects.requireNonNull(prefix, "prefix")));
  }

  /** This policy or the other. */
  public CallerPolicy or(CallerPolicy other) {
    Set<SpiffeId> e = new LinkedHashSet<>(exact);
    e.addAll(other.exact);
    Set<SpiffeId> p = new LinkedHashSet<>(prefixes);
    p.addAll(other.prefixes);
    return new CallerPolicy(e, p);
  }

  public boolean isAllowed(SpiffeId caller) {
    if (exact.contains(caller)) {
      return true;
    }
    Predicate<SpiffeId> under = caller::isUnder;
    return prefixes.stream().anyMatch(under);
  }

  /**
   * Returns the caller's ID when allowed.
   *
   * @throws PeerIdentityException ({@link PeerIdentityException#forCaller}) naming the caller's ID
   *     and address and this policy
   */
  public SpiffeId check(SSLSession session) throws SSLPeerUnverifiedException {
    String endpoint = session.getPeerHost() + ":" + session.getPeerPort();
    SpiffeId caller;
    try {
      caller = PeerIdentity.of(session);
    } catch (SSLPeerUnverifiedException e) {
      throw PeerIdentityException.forCaller(null, endpoint, this, e.getMessage());
    }
    if (!isAllowed(caller)) {
      throw PeerIdentityException.forCaller(caller, endpoint, this, null);
    }
    return caller;
  }

  /** The exact IDs and the prefixes, sorted. */
  Set<SpiffeId> allowedIds() {
    Set<SpiffeId> all = new TreeSet<>(exact);
    all.addAll(prefixes);
    return all;
  }

  /** As built: {@code CallerPolicy allow(spiffe://a/x) or allowUnder(spiffe://a/team)}. */
  @Override
  public String toString() {
    List<String> parts = new java.util.ArrayList<>();
    if (!exact.isEmpty()) {
      parts.add("allow(" + String.join(", ", new TreeSet<>(exact).stream().map(SpiffeId::toString).toList()) + ")");
    }
    for (SpiffeId p : new TreeSet<>(prefixes)) {
      parts.add("allowUnder(" + p + ")");
    }
    return "CallerPolicy " + (parts.isEmpty() ? "allow()" : String.join(" or ", parts));
  }
}
