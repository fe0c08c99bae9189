package io.mesh4j.xds;

import io.grpc.ManagedChannel;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.xds.internal.bootstrap.CertificateProviderAdvice;
import io.mesh4j.xds.internal.bootstrap.XdsBootstrap;
import io.mesh4j.xds.internal.bootstrap.BootstrapCache;
import io.mesh4j.xds.internal.bootstrap.XdsBootstrapLoader;
import io.mesh4j.xds.internal.bootstrap.XdsChannels;
import io.mesh4j.xds.internal.client.XdsClientSettings;
import io.mesh4j.xds.internal.provider.XdsBackend;
import java.util.List;
import java.util.function.Supplier;

/**
 * Endpoints, policies and routes from an xDS control plane ({@code mesh.services.<name>.discovery=xds}):
 * Istio's istiod, or any server of Envoy's ADS protocol (v3, state of the world). A service names
 * either a listener ({@code xds.listener}: LDS → RDS → per-request routes to the clusters, each a
 * derived mesh service) or a cluster ({@code xds.cluster}: CDS → the service's policy, EDS → its
 * endpoints). One ADS stream per client, opened by the first service that needs it.
 *
 * <p>The stream's events ({@link XdsStreamConnected}, {@link XdsStreamFailed}, {@link
 * XdsResourceAccepted}, {@link XdsResourceRejected}) go to the client's {@code events()}, the latest of
 * each replayed to late subscribers: versions, nonces and the last NACK per resource type.
 */
public final class XdsDiscoveryProvider implements DiscoveryProvider {

  public static final String NAME = "xds";

  /**
   * A service attribute of every service this provider discovers: the client's xDS connection status
   * now ({@code mesh.discoveryStatus("orders").orElseThrow().attributes().get(STATUS).get()}). The same
   * supplier for every update of a client, so it never makes an update differ.
   */
  public static final ServiceAttributes.Key<Supplier<XdsStatus>> STATUS = ServiceAttributes.Key.create("xds-status");

  private final XdsClientSettings settings;
  /** The bootstrap is read once per provider (one per client): validations of later changes reuse it. */
  private final BootstrapCache bootstraps = new BootstrapCache();

  public XdsDiscoveryProvider() {
    this(XdsClientSettings.DEFAULTS);
  }

  /** With the ADS client's timers (missing-resource timeout, backoff, NACK damping) given: for tests. */
  XdsDiscoveryProvider(XdsClientSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return XdsKeys.SERVICE_KEYS;
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return XdsKeys.GLOBAL_KEYS;
  }

  @Override
  public void validate(ServiceConfig service, List<ConfigProblem> problems) {
    XdsKeys.validate(service, problems);
  }

  @Override
  public void validateGlobals(MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems) {
    XdsKeys.validateGlobals(config, users, problems, bootstraps);
  }

  /**
   * Loads the bootstrap (a bad one fails with the loader's message, naming key, file and field) and
   * creates the channel; connects only when the first service watches.
   */
  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    MeshConfig config = context.meshConfig();
    XdsBootstrap bootstrap = XdsBootstrapLoader.load(config, System.getenv(), bootstraps);
    CertificateProviderAdvice.warnIfNeeded(bootstrap, config);
    ManagedChannel channel = XdsChannels.open(bootstrap, context.threadFactory("xds"));
    return new XdsBackend(bootstrap, channel, context, settings, STATUS);
  }
}
