package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Optional;
import java.util.function.Function;

/** The four xDS resource types the client subscribes to over ADS (v3). */
public enum XdsResourceType {
  LISTENER("LDS", Listener.class, true, m -> ((Listener) m).getName()),
  ROUTE_CONFIGURATION("RDS", RouteConfiguration.class, false, m -> ((RouteConfiguration) m).getName()),
  CLUSTER("CDS", Cluster.class, true, m -> ((Cluster) m).getName()),
  CLUSTER_LOAD_ASSIGNMENT(
      "EDS", ClusterLoadAssignment.class, false, m -> ((ClusterLoadAssignment) m).getClusterName());

  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  private final String shortName;
  private final Class<? extends Message> messageClass;
  private final boolean stateOfTheWorld;
  private final Function<Message, String> nameOf;
  private final String typeUrl;

  XdsResourceType(
      String shortName,
      Class<? extends Message> messageClass,
      boolean stateOfTheWorld,
      Function<Message, String> nameOf) {
    this.shortName = shortName;
    this.messageClass = messageClass;
    this.stateOfTheWorld = stateOfTheWorld;
    this.nameOf = nameOf;
    this.typeUrl = TYPE_URL_PREFIX + descriptorName(messageClass);
  }

  /** The type URL of DiscoveryRequest/Response, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}. */
  public String typeUrl() {
    return typeUrl;
  }

  public Class<? extends Message> messageClass() {
    return messageClass;
  }

  /** LDS, RDS, CDS or EDS: for logs. */
  public String shortName() {
    return shortName;
  }

  /**
   * True for LDS and CDS, whose state-of-the-world responses carry every subscribed resource that
   * exists: a subscribed name absent from one was removed. An RDS/EDS response may carry only some.
   */
  public boolean absenceMeansRemoval() {
    return stateOfTheWorld;
  }

  /** The resource's name: {@code name}, or {@code cluster_name} of a ClusterLoadAssignment. */
  public String nameOf(Message resource) {
    return nameOf.apply(resource);
  }

  public static Optional<XdsResourceType> fromTypeUrl(String typeUrl) {
    for (XdsResourceType type : values()) {
      if (type.typeUrl.equals(typeUrl)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  private static String descriptorName(Class<? extends Message> messageClass) {
    try {
      return ((com.google.protobuf.Descriptors.Descriptor)
              messageClass.getMethod("getDescriptor").invoke(null))
          .getFullName();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("not a generated protobuf message: " + messageClass, e);
    }
  }
}
