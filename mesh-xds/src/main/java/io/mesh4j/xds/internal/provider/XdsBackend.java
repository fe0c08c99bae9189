package io.mesh4j.xds.internal.provider;

import io.grpc.ManagedChannel;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.xds.XdsStatus;
import java.util.function.Supplier;
import io.mesh4j.xds.XdsKeys;
import io.mesh4j.xds.internal.bootstrap.XdsBootstrap;
import io.mesh4j.xds.internal.client.XdsClient;
import io.mesh4j.xds.internal.client.XdsClientSettings;
import io.mesh4j.xds.internal.client.XdsClientStatus;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS provider's backend in one client: one channel and one ADS client (created by the first
 * watch) shared by every service with {@code discovery=xds}, and the one overlay their clusters and
 * routes go through. Closing it ends the stream and every thread of the channel.
 */
public final class XdsBackend implements DiscoveryBackend {

  private static final Logger log = LoggerFactory.getLogger(XdsBackend.class);

  /** mesh-tls's keys, by name only (mesh-tls is optional): to see whether the user chose a TLS mode. */
  private static final ConfigKey<?> GLOBAL_TLS_MODE = ConfigKey.global("mesh.tls.mode", ValueParsers.nonEmpty())
      .build();
  private static final ConfigKey<?> SERVICE_TLS_MODE = ConfigKey.service("tls.mode", ValueParsers.nonEmpty())
      .build();

  private final XdsBootstrap bootstrap;
  private final ManagedChannel channel;
  private final DiscoveryBackendContext context;
  private final XdsClientSettings settings;
  private final XdsOverlay overlay;
  private final ClusterKeyFilter filter;
  private final ConcurrentMap<String, Refusal> refusals = new ConcurrentHashMap<>();
  /** Per cluster-fed service: completed by its first answer (a new router waits for its targets'). */
  private final ConcurrentMap<String, CompletableFuture<Void>> readiness = new ConcurrentHashMap<>();
  /** Carried by every update: the status supplier. */
  private final ServiceAttributes attributes;
  /** The user's services fed by an xDS cluster, by name: their cluster (a derived service must not take the name). */
  private final Map<String, String> userClusters;
  private XdsClient client;
  private boolean closed;

  /**
   * @param statusKey the service attribute under which every update carries this backend's status
   *     supplier (the public key is declared by the provider)
   */
  public XdsBackend(XdsBootstrap bootstrap, ManagedChannel channel, DiscoveryBackendContext context,
      XdsClientSettings settings, ServiceAttributes.Key<Supplier<XdsStatus>> statusKey) {
    this.bootstrap = bootstrap;
    this.channel = channel;
    this.context = context;
    this.settings = settings;
    this.overlay = new XdsOverlay(context.configOverlay());
    Supplier<XdsStatus> statusSupplier = () -> status().map(XdsStatuses::of).orElse(XdsStatuses.IDLE);
    this.attributes = ServiceAttributes.builder().set(statusKey, statusSupplier).build();
    MeshConfig user = context.meshConfig(); // at open: the user's own (the overlay is still empty)
    // a service the user feeds from another xDS cluster: a derived service must not take its name
    this.userClusters = user.services().values().stream()
        .filter(s -> s.get(XdsKeys.CLUSTER) != null && !s.name().equals(DerivedServiceNames.of(s.get(XdsKeys.CLUSTER))))
        .collect(java.util.stream.Collectors.toUnmodifiableMap(ServiceConfig::name, s -> s.get(XdsKeys.CLUSTER)));
    this.filter = ClusterKeyFilter.forClassPath(service -> userTlsMode(user, service));
  }

  /**
   * The TLS mode the user set for a service: {@code mesh.tls.mode=disabled} first (it turns mesh-tls
   * off for every service), then the service's own key or {@code mesh.defaults.tls.mode} (a configured
   * service's view includes the defaults), then {@code mesh.tls.mode}. Values are read as text, as
   * mesh-tls (optional) parses them into its own types.
   */
  static ClusterKeyFilter.UserTlsMode userTlsMode(MeshConfig user, String service) {
    ClusterKeyFilter.UserTlsMode global = user.isSet(GLOBAL_TLS_MODE)
        ? new ClusterKeyFilter.UserTlsMode(GLOBAL_TLS_MODE.name(), text(user.get(GLOBAL_TLS_MODE)))
        : null;
    if (global != null && global.disabled()) {
      return global;
    }
    Optional<ServiceConfig> own = user.service(service);
    if (own.isPresent() && own.get().isSet(SERVICE_TLS_MODE)) {
      String key = user.isServiceDefaultSet(SERVICE_TLS_MODE)
          ? "mesh.services." + service + ".tls.mode (or mesh.defaults.tls.mode)"
          : "mesh.services." + service + ".tls.mode";
      return new ClusterKeyFilter.UserTlsMode(key, text(own.get().get(SERVICE_TLS_MODE)));
    }
    return global;
  }

  /** An enum of mesh-tls or a string: its configuration text. */
  private static String text(Object value) {
    return String.valueOf(value).toLowerCase(java.util.Locale.ROOT);
  }

  private synchronized XdsClient client(String service) {
    if (closed) {
      throw new IllegalStateException("xDS backend closed: service '" + service + "' cannot watch xDS server "
          + bootstrap.serverUri() + " (the client is closing)");
    }
    if (client == null) {
      log.info("xDS: connecting to {} ({}) as node {}", bootstrap.serverUri(), bootstrap.origin(),
          bootstrap.node().getId());
      client = new XdsClient(channel, bootstrap.node(), XdsValidators.all(), context.scheduler(), context.clock(),
          context.events(), settings);
    }
    return client;
  }

  @Override
  public Discovery watch(DiscoveryContext watched) {
    ServiceConfig config = watched.config();
    String service = watched.serviceName();
    String listenerName = config.get(XdsKeys.LISTENER);
    boolean ignoreDeletion = bootstrap.ignoreResourceDeletion();
    if (listenerName != null) {
      return new ListenerDiscovery(service, listenerName, client(service), overlay, refusals, readiness, context.scheduler(),
          attributes, watched.listener(), ignoreDeletion, userClusters::get);
    }
    String cluster = config.get(XdsKeys.CLUSTER);
    if (cluster == null) { // the provider's validation forbids it; a guard for a client built without it
      throw new IllegalArgumentException("mesh.services." + service + ".xds.cluster or .xds.listener is required"
          + " with discovery=xds");
    }
    return new ClusterDiscovery(service, cluster, client(service), overlay, filter, refusals, readiness, attributes,
        watched.listener(), ignoreDeletion);
  }

  /** The ADS stream's state, versions, nonces and last NACK per type; empty before the first watch. */
  public synchronized Optional<XdsClientStatus> status() {
    return Optional.ofNullable(client).map(XdsClient::status);
  }

  @Override
  public void close() {
    XdsClient running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = client;
    }
    if (running != null) {
      running.close(); // shuts the channel down too
      return;
    }
    channel.shutdownNow();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("xDS channel to {} did not terminate within 5s", bootstrap.serverUri());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
