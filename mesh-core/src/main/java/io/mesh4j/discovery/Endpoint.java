package io.mesh4j.discovery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One network address of a service, with what discovery knows of it. Immutable; equal when every
 * attribute is equal, so a snapshot that did not change compares equal to the last. Per-endpoint
 * state that should survive an attribute change (load estimates, ejections) is kept by {@link
 * #authority()}.
 *
 * @param host an IP literal or a host name (IPv6 without brackets)
 * @param port 1..65535
 * @param weight relative share of traffic for weighted policies, at least 1
 * @param locality where it runs; {@link Locality#UNKNOWN} when the source does not say
 * @param priority 0 for the preferred endpoints, 1 for the first failover group, ...: traffic goes
 *     to the lowest priority that has eligible endpoints
 * @param health as the discovery source reports it
 * @param metadata free-form labels such as {@code version}
 */
public record Endpoint(
    String host,
    int port,
    int weight,
    Locality locality,
    int priority,
    EndpointHealth health,
    Map<String, String> metadata) {

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
    if (priority < 0) {
      throw new IllegalArgumentException("endpoint priority " + priority + " (expected: >= 0)");
    }
    locality = Objects.requireNonNullElse(locality, Locality.UNKNOWN);
    health = Objects.requireNonNullElse(health, EndpointHealth.HEALTHY);
    metadata = Map.copyOf(metadata);
  }

  /** A healthy endpoint of weight 1, priority 0, without locality or metadata. */
  public static Endpoint of(String host, int port) {
    return new Endpoint(host, port, DEFAULT_WEIGHT, Locality.UNKNOWN, 0, EndpointHealth.HEALTHY, Map.of());
  }

  /** Builds an endpoint attribute by attribute. */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /** A builder holding this endpoint's attributes. */
  public Builder toBuilder() {
    Builder b = new Builder(host, port).weight(weight).locality(locality).priority(priority).health(health);
    b.metadata.putAll(metadata);
    return b;
  }

  /**
   * Parses {@code host:port[;weight=N][;region=R][;zone=Z][;sub-zone=S][;priority=P][;health=H][;key=value...]},
   * with an IPv6 host in brackets ({@code [::1]:8080}). Other attributes become metadata. Throws
   * {@link IllegalArgumentException} naming what is wrong.
   */
  public static Endpoint parse(String spec) {
    String[] parts = spec.trim().split(";", -1);
    Builder b = parseHostPort(parts[0].trim());
    String region = "";
    String zone = "";
    String subZone = "";
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String attr = parts[i].trim();
      int eq = attr.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("attribute '" + attr + "' is not key=value");
      }
      String key = attr.substring(0, eq).trim();
      String value = attr.substring(eq + 1).trim();
      if (!seen.add(key)) {
        throw new IllegalArgumentException("attribute '" + key + "' given twice");
      }
      switch (key) {
        case "weight" -> b.weight(positiveInt("weight", value, 1));
        case "priority" -> b.priority(positiveInt("priority", value, 0));
        case "health" -> b.health(EndpointHealth.parse(value));
        case "region" -> region = value;
        case "zone" -> zone = value;
        case "sub-zone" -> subZone = value;
        default -> b.metadata(key, value);
      }
    }
    return b.locality(new Locality(region, zone, subZone)).build();
  }

  private static Builder parseHostPort(String hostPort) {
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
    try {
      // the host each request is sent to: one OkHttp refuses would fail every request, not startup
      new okhttp3.HttpUrl.Builder().host(host);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
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
    return new Builder(host, port);
  }

  private static int positiveInt(String what, String value, int min) {
    int v;
    try {
      v = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + value + "' is not an integer");
    }
    if (v < min) {
      throw new IllegalArgumentException(what + " " + v + " must be at least " + min);
    }
    return v;
  }

  public Endpoint withWeight(int newWeight) {
    return new Endpoint(host, port, newWeight, locality, priority, health, metadata);
  }

  /** The zone of its locality, or null when unknown. */
  public String zone() {
    return locality.zone().isEmpty() ? null : locality.zone();
  }

  /** {@code host:port}, with brackets around an IPv6 literal. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }

  /** Builds an {@link Endpoint}; defaults: weight 1, unknown locality, priority 0, healthy. */
  public static final class Builder {
    private final String host;
    private final int port;
    private int weight = DEFAULT_WEIGHT;
    private Locality locality = Locality.UNKNOWN;
    private int priority;
    private EndpointHealth health = EndpointHealth.HEALTHY;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    public Builder weight(int value) {
      this.weight = value;
      return this;
    }

    public Builder locality(Locality value) {
      this.locality = Objects.requireNonNull(value, "locality");
      return this;
    }

    public Builder priority(int value) {
      this.priority = value;
      return this;
    }

    public Builder health(EndpointHealth value) {
      this.health = Objects.requireNonNull(value, "health");
      return this;
    }

    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Endpoint build() {
      return new Endpoint(host, port, weight, locality, priority, health, metadata);
    }
  }
}
