package io.mesh4j.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which port of a Service's endpoints to call: {@code kubernetes.port} as a name, a number, or
 * unset (the Service's only port). An EndpointSlice names its ports after the Service's ports, but
 * their numbers are the pods' own (target) ports, which may differ from slice to slice: so a
 * selector resolves to a port <em>name</em> whenever it can, and each slice maps that name to its
 * number.
 */
public final class PortSelector {

  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** No {@code kubernetes.port}: the Service's only port. */
  public static final PortSelector SINGLE = new PortSelector(null, 0);

  private final String name;
  private final int number;

  private PortSelector(String name, int number) {
    this.name = name;
    this.number = number;
  }

  /** The key's value; null for unset. Throws {@link IllegalArgumentException} saying what is wrong. */
  public static PortSelector parse(String text) {
    if (text == null) {
      return SINGLE;
    }
    String v = text.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty port");
    }
    if (v.chars().allMatch(Character::isDigit)) {
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 65535) {
        throw new IllegalArgumentException("port " + v + " is out of range 1..65535");
      }
      return new PortSelector(null, n);
    }
    if (!PORT_NAME.matcher(v).matches()) {
      throw new IllegalArgumentException(
          "'" + v + "' is neither a port number nor a port name (lower-case letters, digits and '-')");
    }
    return new PortSelector(v, 0);
  }

  /**
   * Resolves this selector against what the API server says.
   *
   * @param service the Service when known, else null (deleted, or Services cannot be listed)
   * @param slices the Service's EndpointSlices
   * @param key the key's full name, for messages
   * @param serviceRef {@code namespace/name}, for messages
   */
  Resolution resolve(Service service, List<EndpointSlice> slices, String key, String serviceRef) {
    List<ServicePort> servicePorts = service == null ? List.of() : tcpServicePorts(service);
    if (name != null) {
      if (!servicePorts.isEmpty() && servicePorts.stream().noneMatch(p -> name.equals(nameOf(p.getName())))) {
        return new Failed(key + "=" + name + ": Service " + serviceRef + " has no port named '" + name
            + "' (its ports: " + describe(servicePorts) + ")");
      }
      return new ByName(name);
    }
    if (number != 0) {
      for (ServicePort p : servicePorts) {
        if (p.getPort() != null && p.getPort() == number) {
          // the Service's port as `kubectl get svc` shows it: its endpoints listen on its target port
          return new ByName(nameOf(p.getName()));
        }
      }
      return new ByNumber(number);
    }
    Set<String> names = new LinkedHashSet<>();
    if (!servicePorts.isEmpty()) {
      servicePorts.forEach(p -> names.add(nameOf(p.getName())));
    } else {
      for (EndpointSlice s : slices) {
        for (EndpointPort p : tcpPorts(s)) {
          if (p.getPort() != null) {
            names.add(nameOf(p.getName()));
          }
        }
      }
    }
    if (names.size() == 1) {
      return new ByName(names.iterator().next());
    }
    if (names.isEmpty()) {
      boolean anyEndpoint = slices.stream().anyMatch(s -> s.getEndpoints() != null && !s.getEndpoints().isEmpty());
      if (!anyEndpoint) {
        return new ByName(""); // nothing to call anyway: an empty answer, not an error
      }
      return new Failed("Service " + serviceRef + " declares no TCP port: set " + key
          + " to the port number its pods listen on");
    }
    String list = !servicePorts.isEmpty() ? describe(servicePorts) : String.join(", ", names);
    return new Failed(key + " is not set and Service " + serviceRef + " has several ports (" + list
        + "): set it to the name or number of the one to call");
  }

  /** What the key says, for messages. */
  String describe() {
    return name != null ? "port '" + name + "'" : number != 0 ? "port " + number : "its port";
  }

  /** The port number of {@code slice} for this resolution, or null when the slice does not have it. */
  static Integer portOf(EndpointSlice slice, Resolution resolution) {
    List<EndpointPort> ports = tcpPorts(slice);
    if (resolution instanceof ByName byName) {
      for (EndpointPort p : ports) {
        if (p.getPort() != null && byName.name().equals(nameOf(p.getName()))) {
          return p.getPort();
        }
      }
      return null;
    }
    if (resolution instanceof ByNumber byNumber) {
      boolean anyNumbered = false;
      for (EndpointPort p : ports) {
        if (p.getPort() != null) {
          anyNumbered = true;
          if (p.getPort() == byNumber.number()) {
            return p.getPort();
          }
        }
      }
      // a slice that lists no port does not restrict ports (headless Services without ports)
      return anyNumbered ? null : byNumber.number();
    }
    return null;
  }

  /** The ports the slices of a Service list, for messages: {@code http=8080, metrics=9090}. */
  static String describeSlicePorts(List<EndpointSlice> slices) {
    Set<String> out = new LinkedHashSet<>();
    for (EndpointSlice s : slices) {
      for (EndpointPort p : tcpPorts(s)) {
        out.add((nameOf(p.getName()).isEmpty() ? "(unnamed)" : nameOf(p.getName())) + "=" + p.getPort());
      }
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  private static String describe(List<ServicePort> ports) {
    List<String> out = new ArrayList<>();
    for (ServicePort p : ports) {
      out.add((nameOf(p.getName()).isEmpty() ? "(unnamed)" : nameOf(p.getName())) + " " + p.getPort());
    }
    return String.join(", ", out);
  }

  private static List<ServicePort> tcpServicePorts(Service service) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return List.of();
    }
    return service.getSpec().getPorts().stream().filter(p -> isTcp(p.getProtocol())).toList();
  }

  private static List<EndpointPort> tcpPorts(EndpointSlice slice) {
    if (slice.getPorts() == null) {
      return List.of();
    }
    return slice.getPorts().stream().filter(Objects::nonNull).filter(p -> isTcp(p.getProtocol())).toList();
  }

  /** HTTP runs over TCP; the API's default protocol is TCP. */
  private static boolean isTcp(String protocol) {
    return protocol == null || protocol.equals("TCP");
  }

  /** A single unnamed port has the name "" in a Service and in its slices (or none at all). */
  private static String nameOf(String portName) {
    return portName == null ? "" : portName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSelector other && Objects.equals(name, other.name) && number == other.number;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, number);
  }

  @Override
  public String toString() {
    return name != null ? name : number != 0 ? Integer.toString(number) : "(single)";
  }

  /** The outcome of {@link #resolve}. */
  sealed interface Resolution permits ByName, ByNumber, Failed {}

  /** Each slice's port of this name. */
  record ByName(String name) implements Resolution {}

  /** Each slice's port of this number. */
  record ByNumber(int number) implements Resolution {}

  /** The key cannot be resolved; the message names the key and what would be right. */
  record Failed(String message) implements Resolution {}
}
