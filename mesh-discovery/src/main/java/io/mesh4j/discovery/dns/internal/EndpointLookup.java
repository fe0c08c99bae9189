package io.mesh4j.discovery.dns.internal;

import io.mesh4j.discovery.Endpoint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * Turns a service's DNS records into endpoints. All or nothing: when any query of a lookup fails,
 * the whole lookup fails (and the last good endpoints keep serving) rather than publish half of
 * the service.
 *
 * <p>SRV: each record's target is resolved to its A and AAAA addresses (asked explicitly: the
 * additional section a server may add is optional and may be partial); each address becomes an
 * endpoint with the record's port, its priority as {@link Endpoint#priority()} (used as is: the
 * policies serve the lowest priority that has eligible endpoints, so 10/20 work like 0/1) and its
 * weight as {@link Endpoint#weight()}, where weight 0 becomes 1, the smallest weight an endpoint
 * can have. An address reached through several records keeps the lowest priority, and at that
 * priority the largest weight. A target of "." (RFC 2782: "not available here") gives nothing.
 */
final class EndpointLookup {

  static final Comparator<Endpoint> ORDER =
      Comparator.comparingInt(Endpoint::priority).thenComparing(Endpoint::host).thenComparingInt(Endpoint::port);

  private final DnsResolver resolver;

  EndpointLookup(DnsResolver resolver) {
    this.resolver = resolver;
  }

  Resolution resolve(DnsTarget target) throws DnsLookupException {
    Ttl ttl = new Ttl();
    if (target instanceof DnsTarget.Address a) {
      List<Endpoint> endpoints = new ArrayList<>();
      for (InetAddress address : addresses(a.name(), ttl)) {
        endpoints.add(Endpoint.of(IpText.of(address), a.port()));
      }
      return new Resolution(sorted(endpoints), ttl.seconds(), java.util.Set.of());
    }
    return srv((DnsTarget.Srv) target, ttl);
  }

  /**
   * How long a lookup holds: the shortest TTL of the records that gave endpoints. The negative
   * TTLs of what was not found (an AAAA query for an IPv4-only name, a target not registered yet)
   * count only when nothing was found at all: otherwise a name without AAAA records, whose empty
   * answer usually comes without an SOA (TTL 0), would be looked up every min-ttl.
   */
  private static final class Ttl {
    long positive = Long.MAX_VALUE;
    long negative = Long.MAX_VALUE;

    void add(DnsAnswer answer) {
      if (answer.records().isEmpty()) {
        negative = Math.min(negative, answer.ttlSeconds());
      } else {
        positive = Math.min(positive, answer.ttlSeconds());
      }
    }

    long seconds() {
      return positive != Long.MAX_VALUE ? positive : negative == Long.MAX_VALUE ? 0 : negative;
    }
  }

  private Resolution srv(DnsTarget.Srv target, Ttl ttl) throws DnsLookupException {
    DnsAnswer answer = resolver.query(target.name(), Type.SRV);
    ttl.add(answer);
    Map<Name, List<InetAddress>> byTarget = new LinkedHashMap<>();
    Map<String, Endpoint> byAuthority = new LinkedHashMap<>();
    TreeSet<String> unresolved = new TreeSet<>();
    for (Record r : answer.records()) {
      SRVRecord srv = (SRVRecord) r;
      if (srv.getTarget().equals(Name.root)) {
        continue;
      }
      List<InetAddress> addresses = byTarget.get(srv.getTarget());
      if (addresses == null) {
        addresses = addresses(srv.getTarget(), ttl);
        byTarget.put(srv.getTarget(), addresses);
      }
      if (addresses.isEmpty()) {
        unresolved.add(srv.getTarget().toString(true));
      }
      for (InetAddress address : addresses) {
        Endpoint e = Endpoint.builder(IpText.of(address), srv.getPort())
            .priority(srv.getPriority())
            .weight(Math.max(Endpoint.DEFAULT_WEIGHT, srv.getWeight()))
            .build();
        byAuthority.merge(e.authority(), e, EndpointLookup::preferred);
      }
    }
    return new Resolution(sorted(new ArrayList<>(byAuthority.values())), ttl.seconds(), unresolved);
  }

  /** Of two records for one address: the lower priority; at equal priority the larger weight. */
  private static Endpoint preferred(Endpoint a, Endpoint b) {
    if (a.priority() != b.priority()) {
      return a.priority() < b.priority() ? a : b;
    }
    return a.weight() >= b.weight() ? a : b;
  }

  private List<InetAddress> addresses(Name name, Ttl ttl) throws DnsLookupException {
    DnsAnswer v4 = resolver.query(name, Type.A);
    ttl.add(v4);
    List<InetAddress> out = new ArrayList<>();
    v4.records().forEach(r -> out.add(((ARecord) r).getAddress()));
    if (v4.nameExists()) { // after NXDOMAIN there is no AAAA to ask for
      DnsAnswer v6 = resolver.query(name, Type.AAAA);
      ttl.add(v6);
      v6.records().forEach(r -> out.add(((AAAARecord) r).getAddress()));
    }
    return out.stream().distinct().toList();
  }

  private static List<Endpoint> sorted(List<Endpoint> endpoints) {
    endpoints.sort(ORDER);
    return endpoints;
  }
}
