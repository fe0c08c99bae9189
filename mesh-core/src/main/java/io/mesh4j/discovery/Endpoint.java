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

  /**
   * Parses {@code host:port[;weight=N][;zone=Z][;key=value...]}, with an IPv6 host in brackets
   * ({@code [::1]:8080}). Throws {@link IllegalArgumentException} naming what is wrong.
   */
  public static Endpoint parse(String spec) {
    String[] parts = spec.trim().split(";", -1);
    String hostPort = parts[0].trim();
    int scheme = hostPort.indexOf("://");
    if (scheme >= 0) {
      throw new IllegalArgumentException(
          "'" + hostPort + "' is a URL: write host:port without a scheme ("
              + hostPort.substring(scheme + 3).replaceAll("/.*$", "") + ")");
    }
    String host;
    String portText;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0 || close + 1 >= hostPort.length() || hostPort.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("'" + hostPort + "' needs the form [ipv6]:port");
      }
      host = hostPort.substring(1, close);
      portText = hostPort.substring(close + 2);
    } else {
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("'" + hostPort + "' has no port: write host:port");
      }
      host = hostPort.substring(0, colon);
      portText = hostPort.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException("IPv6 host '" + host + "' must be in brackets: [" + host + "]:port");
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("'" + hostPort + "' has no host");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + portText + "' is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
    }
    int weight = DEFAULT_WEIGHT;
    Map<String, String> metadata = new java.util.LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String attr = parts[i].trim();
      int eq = attr.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("attribute '" + attr + "' is not key=value");
      }
      String key = attr.substring(0, eq).trim();
      String value = attr.substring(eq + 1).trim();
      if (key.equals("weight")) {
        try {
          weight = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("weight '" + value + "' is not an integer");
        }
        if (weight < 1) {
          throw new IllegalArgumentException("weight " + weight + " must be at least 1");
        }
      } else if (metadata.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException("attribute '" + key + "' given twice");
      }
    }
    return new Endpoint(host, port, weight, metadata);
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
