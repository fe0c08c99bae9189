package io.mesh4j.discovery.dns.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Asks the configured DNS servers one question at a time, on the calling thread. A server that
 * times out, cannot be reached or answers with an error (SERVFAIL, REFUSED, ...) is skipped for
 * the next; the first real answer wins (NXDOMAIN is one: the name does not exist). The server
 * that answered last is asked first next time, so a dead first server costs one timeout, not one
 * per query.
 */
final class DnsResolver implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(DnsResolver.class);

  /** How long one server gets to answer one query before the next is asked. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

  /** Large enough for most answers over UDP, small enough not to fragment (DNS flag day 2020). */
  private static final int EDNS_PAYLOAD = 1232;

  private final Supplier<List<InetSocketAddress>> servers;
  private final Duration timeout;
  private final BlockingTransport transport = new BlockingTransport();
  private volatile List<SimpleResolver> resolvers;
  private volatile int preferred;

  /** {@code configured} servers, or the system's ones (read on first use, on a DNS thread) when empty. */
  DnsResolver(List<InetSocketAddress> configured, Duration timeout) {
    this.servers = configured.isEmpty() ? DnsResolver::systemServers : () -> configured;
    this.timeout = timeout;
  }

  private static List<InetSocketAddress> systemServers() {
    return ResolverConfig.getCurrentConfig().servers();
  }

  DnsAnswer query(Name name, int type) throws DnsLookupException {
    List<SimpleResolver> all = resolvers();
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    List<String> failures = new ArrayList<>();
    int start = preferred;
    for (int i = 0; i < all.size(); i++) {
      int index = (start + i) % all.size();
      SimpleResolver server = all.get(index);
      String who = DnsServers.format(server.getAddress());
      Message response;
      try {
        response = send(server, query);
      } catch (IOException e) {
        failures.add(who + " " + describe(e));
        continue;
      }
      int rcode = response.getRcode();
      if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
        failures.add(who + " answered " + Rcode.string(rcode));
        continue;
      }
      preferred = index;
      if (!failures.isEmpty()) {
        log.debug("{} {}: {} answered after {}", Type.string(type), name, who, failures);
      }
      return answer(response, name, type);
    }
    throw new DnsLookupException("DNS lookup of " + Type.string(type) + " " + name.toString(true) + " failed: "
        + String.join("; ", failures));
  }

  private List<SimpleResolver> resolvers() throws DnsLookupException {
    List<SimpleResolver> r = resolvers;
    if (r != null) {
      return r;
    }
    List<InetSocketAddress> addresses = servers.get();
    if (addresses.isEmpty()) {
      throw new DnsLookupException("no DNS server to ask: the system configuration (/etc/resolv.conf) lists none;"
          + " set mesh.discovery.dns.servers");
    }
    List<SimpleResolver> created = new ArrayList<>();
    for (InetSocketAddress address : addresses) {
      SimpleResolver s = new SimpleResolver(address);
      s.setTimeout(timeout);
      s.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
      s.setIoClientFactory(transport);
      created.add(s);
    }
    resolvers = List.copyOf(created);
    return resolvers;
  }

  private static Message send(SimpleResolver server, Message query) throws IOException {
    try {
      // the transport completes on this thread and a direct executor parses here too: no other thread
      return server.sendAsync(query, Runnable::run).toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause.getMessage(), cause);
    }
  }

  private String describe(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return "timed out after " + io.mesh4j.config.ValueParsers.formatDuration(timeout);
    }
    if (e instanceof PortUnreachableException || e instanceof java.net.ConnectException) {
      return "is unreachable (nothing listening)";
    }
    return "failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
  }

  private static DnsAnswer answer(Message response, Name name, int type) {
    List<Record> found = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (Record r : response.getSection(Section.ANSWER)) {
      // the records of the asked type, wherever a CNAME chain led; the chain's TTLs count too
      if (r.getType() == type) {
        found.add(r);
        ttl = Math.min(ttl, r.getTTL());
      } else if (r.getType() == Type.CNAME || r.getType() == Type.DNAME) {
        ttl = Math.min(ttl, r.getTTL());
      }
    }
    if (found.isEmpty()) {
      ttl = negativeTtl(response);
    }
    return new DnsAnswer(found, ttl, response.getRcode() != Rcode.NXDOMAIN);
  }

  /** RFC 2308: a negative answer holds for the SOA's minimum, bounded by the SOA record's own TTL. */
  private static long negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
      }
    }
    return 0;
  }

  @Override
  public void close() {
    transport.close();
  }
}
