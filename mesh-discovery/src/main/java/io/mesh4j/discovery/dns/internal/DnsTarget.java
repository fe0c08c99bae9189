package io.mesh4j.discovery.dns.internal;

import org.xbill.DNS.Name;

/** What one service resolves: an SRV name, or a host name whose addresses get a fixed port. */
public sealed interface DnsTarget {

  Name name();

  /** SRV records: each gives a target host, a port, a priority and a weight. */
  record Srv(Name name) implements DnsTarget {
    @Override
    public String toString() {
      return "SRV " + name.toString(true);
    }
  }

  /** A and AAAA records of {@code name}, each address with {@code port}. */
  record Address(Name name, int port) implements DnsTarget {
    @Override
    public String toString() {
      return "A/AAAA " + name.toString(true) + " (port " + port + ")";
    }
  }

  /** The target for a {@code dns.name} value (validated) and its {@code dns.port} (null for SRV). */
  static DnsTarget of(String dnsName, Integer port) {
    Name name = DnsNames.toName(dnsName);
    if (DnsNames.isSrv(dnsName)) {
      return new Srv(name);
    }
    if (port == null) {
      throw new IllegalArgumentException("dns.port is required with the host name " + dnsName);
    }
    return new Address(name, port);
  }
}
