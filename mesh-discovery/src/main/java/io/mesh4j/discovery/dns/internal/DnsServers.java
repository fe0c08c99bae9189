package io.mesh4j.discovery.dns.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.Address;

/**
 * {@code mesh.discovery.dns.servers}: IP literals only, since a server's own name would need DNS
 * to be found; parsed without any lookup.
 */
public final class DnsServers {

  public static final int DEFAULT_PORT = 53;

  private DnsServers() {}

  public static ValueParser<List<InetSocketAddress>> parser() {
    ValueParser<InetSocketAddress> one = ValueParsers.of("ip[:port] (IPv6 as [::1]:53)", DnsServers::parse);
    ValueParser<List<InetSocketAddress>> list = ValueParsers.list(one);
    return ValueParsers.of(list.expected(), text -> {
      List<InetSocketAddress> servers = list.parse(text);
      if (servers.size() != servers.stream().distinct().count()) {
        throw new IllegalArgumentException("a server is listed twice");
      }
      return servers;
    });
  }

  /** Parses {@code ip}, {@code ip:port}, {@code [ipv6]} or {@code [ipv6]:port}. */
  static InetSocketAddress parse(String text) {
    String s = text.trim();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + s + "' has no closing ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + s + "' needs the form [ipv6]:port");
        }
        port = rest.substring(1);
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("IPv6 address '" + s + "' must be in brackets: [" + s + "]:53");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    InetAddress address = literal(host);
    return new InetSocketAddress(address, port == null ? DEFAULT_PORT : port(port));
  }

  private static InetAddress literal(String host) {
    int family = host.indexOf(':') >= 0 ? Address.IPv6 : Address.IPv4;
    byte[] bytes = Address.toByteArray(host, family);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address (a DNS server's name would itself"
          + " need DNS: write its address)");
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
    }
  }

  private static int port(String text) {
    int p;
    try {
      p = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + text + "' is not a number");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range 1..65535");
    }
    return p;
  }

  /** {@code 127.0.0.1:5353}, {@code [::1]:53}: how servers are named in messages. */
  public static String format(InetSocketAddress server) {
    InetAddress a = server.getAddress();
    String host = a == null ? server.getHostString() : IpText.of(a);
    return (a instanceof Inet6Address ? "[" + host + "]" : host) + ":" + server.getPort();
  }

  public static String format(List<InetSocketAddress> servers) {
    return servers.stream().map(DnsServers::format).collect(Collectors.joining(", "));
  }
}
