package io.mesh4j.xds;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.xds.internal.bootstrap.BootstrapCache;
import io.mesh4j.xds.internal.bootstrap.XdsBootstrapLoader;
import io.mesh4j.xds.internal.bootstrap.XdsServerTarget;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration keys of mesh-xds and their cross-key checks; the {@code xds} discovery provider
 * declares them ({@code globalKeys()}, {@code serviceKeys()}) and delegates its {@code validate} and
 * {@code validateGlobals} here.
 *
 * <p>Where the xDS server and this node come from, first found wins: {@link #BOOTSTRAP} (a gRPC
 * bootstrap file), {@code $GRPC_XDS_BOOTSTRAP} (a file), {@code $GRPC_XDS_BOOTSTRAP_CONFIG} (the JSON
 * itself), else {@link #SERVER} with {@link #NODE_ID}. {@link #SERVER}, {@link #NODE_ID} and {@link
 * #NODE_CLUSTER} set beside a bootstrap override its server address and node fields (its channel_creds
 * and server_features stay), as properties override what a control plane pushes.
 */
public final class XdsKeys {

  /** The environment variable naming a bootstrap file, as in gRPC. */
  public static final String ENV_BOOTSTRAP = "GRPC_XDS_BOOTSTRAP";

  /** The environment variable holding the bootstrap JSON itself, as in gRPC. */
  public static final String ENV_BOOTSTRAP_CONFIG = "GRPC_XDS_BOOTSTRAP_CONFIG";

  /** {@code mesh.xds.bootstrap}: a gRPC xDS bootstrap file. */
  public static final ConfigKey<Path> BOOTSTRAP =
      ConfigKey.global("mesh.xds.bootstrap",
              ValueParsers.of("a file path; a relative one resolves against the working directory", XdsKeys::parsePath))
          .description("gRPC's xDS bootstrap file (xds_servers, node, certificate_providers), as Istio's"
              + " grpc-agent template writes it to /etc/istio/proxy/grpc-bootstrap.json. Default: the file"
              + " named by $GRPC_XDS_BOOTSTRAP, then the JSON in $GRPC_XDS_BOOTSTRAP_CONFIG.")
          .build();

  /** {@code mesh.xds.server}: the xDS server, when there is no bootstrap (or to override its server address). */
  public static final ConfigKey<String> SERVER =
      ConfigKey.global("mesh.xds.server",
              ValueParsers.of("host:port, dns:///host:port or unix:///path/to/socket", XdsKeys::parseServer))
          .description("The xDS (ADS) server: host:port, dns:///host:port or unix:///path. Without a bootstrap"
              + " the connection is plaintext; with one, only its server address is overridden (its channel_creds"
              + " and server_features stay).")
          .build();

  /** {@code mesh.xds.node-id}: the node id sent to the server. */
  public static final ConfigKey<String> NODE_ID =
      ConfigKey.global("mesh.xds.node-id", ValueParsers.nonEmpty())
          .description("The node id sent on every discovery request (Istio expects"
              + " sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local). Overrides the bootstrap's"
              + " node.id; default: the bootstrap's, else mesh.service.")
          .build();

  /** {@code mesh.xds.node-cluster}: the node cluster sent to the server. */
  public static final ConfigKey<String> NODE_CLUSTER =
      ConfigKey.global("mesh.xds.node-cluster", ValueParsers.nonEmpty())
          .description("The node cluster sent on every discovery request. Overrides the bootstrap's node.cluster;"
              + " default: the bootstrap's, else mesh.service.")
          .build();

  /** {@code mesh.services.<name>.xds.listener}: route the service by this listener (LDS → RDS → CDS → EDS). */
  public static final ConfigKey<String> LISTENER =
      ConfigKey.service("xds.listener", ValueParsers.nonEmpty())
          .description("With discovery=xds: the Listener whose HTTP routes decide, per request, which cluster serves"
              + " it (as istiod names it: orders.default.svc.cluster.local:8080). Exclusive with xds.cluster.")
          .build();

  /** {@code mesh.services.<name>.xds.cluster}: take endpoints and policy from this cluster (CDS → EDS). */
  public static final ConfigKey<String> CLUSTER =
      ConfigKey.service("xds.cluster", ValueParsers.nonEmpty())
          .description("With discovery=xds: the Cluster whose policy and endpoints the service uses (as istiod"
              + " names it: outbound|8080||orders.default.svc.cluster.local). Exclusive with xds.listener.")
          .build();

  /** The global keys, for the provider's {@code globalKeys()}. */
  public static final List<ConfigKey<?>> GLOBAL_KEYS = List.of(BOOTSTRAP, SERVER, NODE_ID, NODE_CLUSTER);

  /** The per-service keys, for the provider's {@code serviceKeys()}. */
  public static final List<ConfigKey<?>> SERVICE_KEYS = List.of(LISTENER, CLUSTER);

  private XdsKeys() {}

  /** For a service with {@code discovery=xds}: exactly one of {@code xds.listener} and {@code xds.cluster}. */
  public static void validate(ServiceConfig service, List<ConfigProblem> problems) {
    String prefix = "mesh.services." + service.name() + ".";
    boolean listener = service.get(LISTENER) != null;
    boolean cluster = service.get(CLUSTER) != null;
    if (listener && cluster) {
      problems.add(new ConfigProblem(prefix + CLUSTER.name(), service.get(CLUSTER), null,
          "not allowed with " + prefix + LISTENER.name() + ": a service takes its routes from a listener or goes"
              + " straight to one cluster; remove one of them"));
    } else if (!listener && !cluster) {
      problems.add(new ConfigProblem(prefix + CLUSTER.name(), null, null,
          "required when discovery=xds: set " + prefix + CLUSTER.name() + "=<cluster> (such as outbound|8080||"
              + service.name() + ".default.svc.cluster.local) or " + prefix + LISTENER.name()
              + "=<listener> (such as " + service.name() + ".default.svc.cluster.local:8080)"));
    }
  }

  /**
   * {@link #validateGlobals(MeshConfig, List, List, Map, BootstrapCache)} with the process's
   * environment; the provider passes its own cache (one per client), so the bootstrap is read once.
   */
  public static void validateGlobals(
      MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems, BootstrapCache cache) {
    validateGlobals(config, users, problems, System.getenv(), cache);
  }

  /**
   * When a service uses {@code discovery=xds}: a server must be known and the bootstrap must load
   * (read the first time, so a broken file fails at startup, naming its field; then taken from
   * {@code cache}, so a reload does not depend on the file still being readable). Always: {@code
   * xds.*} keys on a service that does not use xds are reported, since they would be silently ignored.
   *
   * @param users the services with {@code discovery=xds}
   * @param cache the bootstraps this client has read (the one {@code XdsBootstrapLoader.load} then uses)
   */
  public static void validateGlobals(MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems,
      Map<String, String> env, BootstrapCache cache) {
    List<String> userNames = users.stream().map(ServiceConfig::name).toList();
    for (ServiceConfig service : config.services().values()) {
      if (userNames.contains(service.name())) {
        continue;
      }
      for (ConfigKey<String> key : List.of(LISTENER, CLUSTER)) {
        if (service.isSet(key)) {
          problems.add(new ConfigProblem("mesh.services." + service.name() + "." + key.name(), service.get(key),
              null, "only used with discovery=xds; set mesh.services." + service.name()
                  + ".discovery=xds or remove it"));
        }
      }
    }
    if (users.isEmpty()) {
      return;
    }
    try {
      XdsBootstrapLoader.load(config, env, cache);
    } catch (MeshConfigException e) {
      problems.addAll(e.problems());
    }
  }

  static Path parsePath(String raw) {
    if (raw.isBlank()) {
      throw new IllegalArgumentException("empty path");
    }
    try {
      return Path.of(raw.trim()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path: " + e.getReason(), e);
    }
  }

  static String parseServer(String raw) {
    XdsServerTarget.parse(raw);
    return raw.trim();
  }
}
