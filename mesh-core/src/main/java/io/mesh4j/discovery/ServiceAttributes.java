package io.mesh4j.discovery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a discovery source knows of a service as a whole, beyond its endpoints: for example the
 * SPIFFE IDs its servers present (xDS SAN matchers, Kubernetes service accounts). Typed keys, like
 * gRPC's {@code Attributes}; modules read the keys they understand. Immutable.
 */
public final class ServiceAttributes {

  /** A typed attribute name; keys compare by identity, so define each once as a constant. */
  public static final class Key<T> {
    private final String name;

    private Key(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    public static <T> Key<T> create(String name) {
      return new Key<>(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * The SPIFFE IDs (URIs such as {@code spiffe://example.org/ns/default/sa/orders}) the service's
   * servers may present, as the source says. mesh-tls checks servers against them when {@code
   * mesh.services.<name>.identity} is not set.
   */
  public static final Key<List<String>> PEER_IDENTITIES = Key.create("peer-identities");

  /**
   * Makes the service a routing service: each request to it is sent to the service its router
   * chooses (see {@link io.mesh4j.routing.RequestRouter}). Such a service needs no endpoints of
   * its own: publish an update with none, and this attribute.
   */
  public static final Key<io.mesh4j.routing.RequestRouter> REQUEST_ROUTER = Key.create("request-router");

  public static final ServiceAttributes EMPTY = new ServiceAttributes(Map.of());

  private final Map<Key<?>, Object> values;

  private ServiceAttributes(Map<Key<?>, Object> values) {
    this.values = values;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The attribute's value, or null when the source did not set it. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) values.get(key);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceAttributes other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  /** Builds {@link ServiceAttributes}. Values must be immutable. */
  public static final class Builder {
    private final Map<Key<?>, Object> values = new HashMap<>();

    private Builder() {}

    public <T> Builder set(Key<T> key, T value) {
      values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public ServiceAttributes build() {
      return values.isEmpty() ? EMPTY : new ServiceAttributes(Map.copyOf(values));
    }
  }
}
