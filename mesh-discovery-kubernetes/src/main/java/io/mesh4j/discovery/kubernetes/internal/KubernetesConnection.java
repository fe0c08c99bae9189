package io.mesh4j.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The backend's client and what it needs to know of its configuration. Built on a backend
 * thread: loading a kubeconfig may run an exec credential plugin, which must not block startup.
 *
 * <p>Where the configuration comes from, first match wins: {@code mesh.discovery.kubernetes.kubeconfig}
 * when set; else fabric8's {@code Config.autoConfigure}: a kubeconfig ({@code KUBECONFIG}, else
 * {@code ~/.kube/config}) when one exists, else the pod's service account (in-cluster:
 * {@code KUBERNETES_SERVICE_HOST}/{@code _PORT}, the token and CA under
 * {@code /var/run/secrets/kubernetes.io/serviceaccount}); fabric8's system properties and
 * environment variables ({@code kubernetes.master}/{@code KUBERNETES_MASTER}, ...) then override.
 */
final class KubernetesConnection {

  final KubernetesClient client;
  private final MeshHttpClientFactory http;
  final String masterUrl;
  final String defaultNamespace;
  final String origin;

  private KubernetesConnection(
      KubernetesClient client, MeshHttpClientFactory http, String masterUrl, String defaultNamespace, String origin) {
    this.client = client;
    this.http = http;
    this.masterUrl = masterUrl;
    this.defaultNamespace = defaultNamespace;
    this.origin = origin;
  }

  static KubernetesConnection open(ClientSettings settings, Executor tasks, Executor http) {
    Config config;
    String origin;
    if (settings.kubeconfig() != null) {
      File file = settings.kubeconfig().toFile();
      requireContext(settings.context(), file, "mesh.discovery.kubernetes.kubeconfig=" + file);
      config = Config.fromKubeconfig(settings.context(), file);
      origin = "kubeconfig " + file + contextText(config);
    } else {
      config = Config.autoConfigure(settings.context());
      if (config.getFile() != null) {
        requireContext(settings.context(), config.getFile(), "kubeconfig " + config.getFile());
        origin = "kubeconfig " + config.getFile() + contextText(config);
      } else if (settings.context() != null) {
        throw new IllegalStateException("mesh.discovery.kubernetes.context=" + settings.context()
            + " but no kubeconfig was found (KUBECONFIG, ~/.kube/config): set mesh.discovery.kubernetes.kubeconfig");
      } else if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
        origin = "in-cluster service account";
      } else {
        origin = "no kubeconfig found and not in a cluster (KUBERNETES_SERVICE_HOST unset): fabric8's default";
      }
    }
    // the informers retry with their own backoff: a failed list must reach them (and the mesh as
    // an error) at once instead of after fabric8's ten silent request retries
    config.setRequestRetryBackoffLimit(0);
    String defaultNamespace = PodNamespace.read(settings.podNamespaceFile())
        .orElse(config.getNamespace() != null && !config.getNamespace().isBlank() ? config.getNamespace() : "default");
    MeshHttpClientFactory factory = new MeshHttpClientFactory(http);
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(factory)
        .withTaskExecutor(tasks)
        .build();
    return new KubernetesConnection(client, factory, config.getMasterUrl(), defaultNamespace, origin);
  }

  /** A context that is not in the file would otherwise fall back to another cluster silently. */
  private static void requireContext(String context, File file, String where) {
    if (context == null) {
      return;
    }
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed = KubeConfigUtils.parseConfig(file);
    } catch (RuntimeException e) {
      throw new IllegalStateException(where + ": not a readable kubeconfig: " + e.getMessage(), e);
    }
    List<NamedContext> contexts = parsed.getContexts() == null ? List.of() : parsed.getContexts();
    if (contexts.stream().noneMatch(c -> context.equals(c.getName()))) {
      throw new IllegalStateException("mesh.discovery.kubernetes.context=" + context + ": no such context in "
          + where + " (its contexts: "
          + String.join(", ", contexts.stream().map(NamedContext::getName).toList()) + ")");
    }
  }

  private static String contextText(Config config) {
    NamedContext current = config.getCurrentContext();
    return current == null ? "" : " (context " + current.getName() + ")";
  }

  void close() {
    client.close();
    http.shutdownClients();
  }
}
