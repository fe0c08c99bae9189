package io.mesh4j.discovery.dns.internal;

import java.util.List;
import org.xbill.DNS.Record;

/**
 * A server's usable answer to one query: the records of the asked type (empty for NXDOMAIN or no
 * data) and how long it holds, in seconds: the shortest TTL of the records and CNAMEs followed,
 * or for an empty answer the negative-caching TTL of the zone's SOA (0 when the server sent none).
 */
record DnsAnswer(List<Record> records, long ttlSeconds, boolean nameExists) {

  DnsAnswer {
    records = List.copyOf(records);
  }
}
