package io.mesh4j.discovery.etcd.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.Endpoint;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Parsers of the etcd and self-registration keys; each failure says what was expected. */
public final class EtcdValueParsers {

  private EtcdValueParsers() {}

  /** {@code http://host:port,https://host:port}: normalized to {@code scheme://host:port}. */
  public static ValueParser<List<String>> endpoints() {
    ValueParser<List<String>> list = ValueParsers.list(
        ValueParsers.of("an etcd client URL like http://127.0.0.1:2379", EtcdValueParsers::endpoint));
    return ValueParsers.of(
        "a comma-separated list of etcd client URLs like http://127.0.0.1:2379,https://etcd-2:2379",
        raw -> {
          List<String> urls = list.parse(raw);
          if (urls.size() != urls.stream().distinct().count()) {
            throw new IllegalArgumentException("an endpoint is listed twice");
          }
          return urls;
        });
  }

  static String endpoint(String raw) {
    if (!raw.contains("://")) {
      throw new IllegalArgumentException("not an http:// or https:// URL: write http://" + raw.trim());
    }
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("not an http:// or https:// URL (etcd's client URL, such as http://127.0.0.1:2379)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("no host");
    }
    if (uri.getPort() < 0) {
      // http://etcd would silently mean port 80: etcd's clients listen on 2379
      throw new IllegalArgumentException("no port: give it, as in " + scheme + "://" + uri.getHost() + ":2379");
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("only scheme://host:port (the gateway's paths are added by mesh4j)");
    }
    return scheme + "://" + uri.getHost() + ":" + uri.getPort();
  }

  /** A key prefix that ends with '/' so that one prefix never matches another's keys. */
  public static ValueParser<String> prefix() {
    return ValueParsers.of(
        "a key prefix ending with '/', like /mesh4j/services/",
        raw -> {
          if (raw.isEmpty()) {
            throw new IllegalArgumentException("empty prefix");
          }
          if (!raw.endsWith("/")) {
            throw new IllegalArgumentException("must end with '/' (keys are <prefix><service>/<host>:<port>)");
          }
          if (raw.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("contains whitespace");
          }
          return raw;
        });
  }

  /** A lease TTL: whole seconds (etcd's unit), from 2s (etcd's minimum) to 1h. */
  public static ValueParser<Duration> leaseTtl() {
    ValueParser<Duration> bounded = ValueParsers.duration(Duration.ofSeconds(2), Duration.ofHours(1));
    return ValueParsers.of(
        bounded.expected() + ", in whole seconds",
        raw -> {
          Duration d = bounded.parse(raw);
          if (d.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("not whole seconds (etcd leases count in seconds)");
          }
          return d;
        });
  }

  /** {@code host:port} (IPv6 in brackets), the address other workloads should call. */
  public static ValueParser<Endpoint> address() {
    return ValueParsers.of(
        "host:port, IPv6 as [::1]:8080",
        raw -> {
          if (raw.contains(";")) {
            throw new IllegalArgumentException("just host:port: the zone is mesh.register.zone");
          }
          return Endpoint.parse(raw);
        });
  }
}
