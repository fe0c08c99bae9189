package io.mesh4j.discovery.kubernetes;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.kubernetes.internal.ClientSettings;
import io.mesh4j.discovery.kubernetes.internal.KubernetesBackend;
import io.mesh4j.discovery.kubernetes.internal.KubernetesNames;
import io.mesh4j.discovery.kubernetes.internal.PodNamespace;
import io.mesh4j.discovery.kubernetes.internal.PortSelector;
import io.mesh4j.discovery.kubernetes.internal.WatchTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code mesh.services.<name>.discovery=kubernetes}: the endpoints of a Kubernetes Service, from
 * its EndpointSlices, watched through fabric8 informers (one per namespace, shared by the
 * client's services). Conditions become endpoint health (ready → healthy, serving and terminating
 * → draining, not ready → unhealthy), the slice's zone the endpoint's locality; a deleted Service
 * empties the service at once, an empty one is held back by {@code discovery.empty-grace}.
 */
public final class KubernetesDiscoveryProvider implements DiscoveryProvider {

  public static final String NAME = "kubernetes";

  /** {@code mesh.services.<name>.kubernetes.service}: the Service's name; default the mesh name. */
  public static final ConfigKey<String> SERVICE =
      ConfigKey.service("kubernetes.service", KubernetesNames.serviceName())
          .description("Name of the Kubernetes Service whose EndpointSlices are the service's endpoints;"
              + " default: the service's mesh name.")
          .build();

  /** {@code mesh.services.<name>.kubernetes.namespace}: the Service's namespace. */
  public static final ConfigKey<String> NAMESPACE =
      ConfigKey.service("kubernetes.namespace", KubernetesNames.namespace())
          .description("Namespace of the Kubernetes Service; default: the pod's own namespace (from its service"
              + " account), else the kubeconfig context's namespace, else 'default'.")
          .build();

  /** {@code mesh.services.<name>.kubernetes.port}: which of the Service's ports to call. */
  public static final ConfigKey<String> PORT =
      ConfigKey.service("kubernetes.port", KubernetesNames.port())
          .description("Port of the Kubernetes Service to call: a port name (http), or a number (the Service's"
              + " port, else the pods' port); default: the Service's only TCP port (an error when it has several).")
          .build();

  /** {@code mesh.discovery.kubernetes.kubeconfig}: a kubeconfig file instead of fabric8's lookup. */
  public static final ConfigKey<Path> KUBECONFIG =
      ConfigKey.global("mesh.discovery.kubernetes.kubeconfig", KubernetesNames.kubeconfig())
          .description("Kubeconfig file to reach the API server with; default: fabric8's lookup (KUBECONFIG,"
              + " ~/.kube/config, else the pod's service account when running in a cluster).")
          .build();

  /** {@code mesh.discovery.kubernetes.context}: a kubeconfig context other than the current one. */
  public static final ConfigKey<String> CONTEXT =
      ConfigKey.global("mesh.discovery.kubernetes.context", ValueParsers.nonEmpty())
          .description("Kubeconfig context to use; default: the kubeconfig's current-context.")
          .build();

  /** {@code mesh.discovery.kubernetes.coalesce}: changes of a Service within it reach the mesh as one snapshot. */
  public static final ConfigKey<Duration> COALESCE =
      ConfigKey.global("mesh.discovery.kubernetes.coalesce", ValueParsers.duration(Duration.ZERO, Duration.ofSeconds(10)))
          .defaultValue(Duration.ofMillis(100))
          .description("Changes of a Service's EndpointSlices within this window (from the first) reach the mesh as"
              + " one snapshot, like kube-proxy's min-sync-period; 0 sends each change at once.")
          .build();

  private final Path podNamespaceFile;

  public KubernetesDiscoveryProvider() {
    this(PodNamespace.DEFAULT_FILE);
  }

  /** For tests: the pod's namespace from another file. */
  KubernetesDiscoveryProvider(Path podNamespaceFile) {
    this.podNamespaceFile = podNamespaceFile;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(SERVICE, NAMESPACE, PORT);
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return List.of(KUBECONFIG, CONTEXT, COALESCE);
  }

  @Override
  public void validate(ServiceConfig service, List<ConfigProblem> problems) {
    // mesh names are DNS labels, which may start with a digit: Service names may not
    if (!service.isSet(SERVICE) && !KubernetesNames.isServiceName(service.name())) {
      problems.add(new ConfigProblem("mesh.services." + service.name() + "." + SERVICE.name(), null, null,
          "the service name '" + service.name() + "' is not a valid Kubernetes Service name (it must start with a"
              + " letter): set " + "mesh.services." + service.name() + "." + SERVICE.name()
              + " to the Service's name"));
    }
  }

  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    MeshConfig config = context.meshConfig();
    ClientSettings settings = new ClientSettings(
        config.get(KUBECONFIG), config.get(CONTEXT), podNamespaceFile, config.get(COALESCE));
    return new KubernetesBackend(context, settings, KubernetesDiscoveryProvider::target);
  }

  private static WatchTarget target(DiscoveryContext service) {
    ServiceConfig config = service.config();
    String mesh = service.serviceName();
    return new WatchTarget(
        mesh,
        Objects.requireNonNullElse(config.get(SERVICE), mesh),
        config.get(NAMESPACE),
        PortSelector.parse(config.get(PORT)),
        "mesh.services." + mesh + "." + PORT.name());
  }
}
