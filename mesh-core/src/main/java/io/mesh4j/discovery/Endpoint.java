package io.mesh4j.discovery;

import java.util.Map;
import java.util.Objects;

/**
 * One network address of a service, as discovery reports it. Immutable; equal when host, port,
 * weight and metadata are equal, so a snapshot that did not change compares equal to the last.
 *
 * @param host an IP literal or a host name (IPv6 without brackets)
 * @param port 1..65535
 * @param weight relative share of traffic for weighted policies, at least 1
 * @param metadata free-form labels such as {@code zone} or {@code version}
 */
public record Endpoint(String host, int port, int weight, Map<String, String> metadata) {

  public static final int DEFAULT_WEIGHT = 1;

  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("endpoint host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint port " + port + " (expected: 1..65535)");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("endpoint weight " + weight + " (expected: >= 1)");
    }
    metadata = Map.copyOf(metadata);
  }

  public static Endpoint of(String host, int port) {
    return new Endpoint(host, port, DEFAULT_WEIGHT, Map.of());
  }

  public Endpoint withWeight(int newWeight) {
    return new Endpoint(host, port, newWeight, metadata);
  }

  /** The {@code zone} label, or null. */
  public String zone() {
    return metadata.get("zone");
  }

  /** {@code host:port}, with brackets around an IPv6 literal. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}
