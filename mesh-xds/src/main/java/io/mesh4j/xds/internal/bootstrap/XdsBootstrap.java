package io.mesh4j.xds.internal.bootstrap;

import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How this client reaches its xDS server and who it says it is: the result of {@link
 * XdsBootstrapLoader}, from gRPC's bootstrap format or from {@code mesh.xds.*} keys. Immutable.
 *
 * @param serverUri the server's URI as written ({@code unix:///etc/istio/proxy/XDS}, {@code istiod:15010})
 * @param target where the channel connects, parsed from {@code serverUri}
 * @param channelCredentials the first supported {@code channel_creds} type: {@value #INSECURE} or {@value #TLS}
 * @param tlsCredentials the {@code tls} creds' files (gRPC A65) when {@code channelCredentials} is
 *     {@value #TLS} and its config names files; null otherwise (then the JDK's trust store is used).
 *     Kept when {@code mesh.xds.server} overrides the address, as are {@code channelCredentials} and
 *     {@code serverFeatures}
 * @param serverFeatures the server's {@code server_features} ({@code xds_v3}, {@code ignore_resource_deletion})
 * @param node the node sent on every discovery request, with mesh4j's user agent
 * @param certificateProviders the bootstrap's {@code certificate_providers}, by instance name
 * @param origin where this came from, for messages: {@code mesh.xds.bootstrap=/path}, {@code
 *     $GRPC_XDS_BOOTSTRAP=/path}, {@code $GRPC_XDS_BOOTSTRAP_CONFIG} or {@code mesh.xds.server},
 *     followed by {@code " + mesh.xds.server"} (and so on) for each key that overrode the bootstrap
 */
public record XdsBootstrap(
    String serverUri,
    XdsServerTarget target,
    String channelCredentials,
    CertificateProviderConfig tlsCredentials,
    Set<String> serverFeatures,
    Node node,
    Map<String, CertificateProviderConfig> certificateProviders,
    String origin) {

  public static final String INSECURE = "insecure";
  public static final String TLS = "tls";

  /** The server feature (gRPC A53) that keeps resources the server stops sending instead of deleting them. */
  public static final String IGNORE_RESOURCE_DELETION = "ignore_resource_deletion";

  public XdsBootstrap {
    Objects.requireNonNull(serverUri, "serverUri");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(channelCredentials, "channelCredentials");
    serverFeatures = Set.copyOf(serverFeatures);
    Objects.requireNonNull(node, "node");
    certificateProviders = Map.copyOf(certificateProviders);
    Objects.requireNonNull(origin, "origin");
  }

  /**
   * True when the server asked ({@code server_features: ["ignore_resource_deletion"]}) that a
   * resource missing from a state-of-the-world response be kept, not deleted (gRPC A53): the ADS
   * client then logs the absence and keeps serving the last value.
   */
  public boolean ignoreResourceDeletion() {
    return serverFeatures.contains(IGNORE_RESOURCE_DELETION);
  }

  /** The first {@code file_watcher} provider, preferring the instance named {@code default} (Istio's name). */
  public Optional<CertificateProviderConfig> fileWatcherProvider() {
    CertificateProviderConfig preferred = certificateProviders.get("default");
    if (preferred != null && preferred.isFileWatcher()) {
      return Optional.of(preferred);
    }
    return certificateProviders.values().stream()
        .filter(CertificateProviderConfig::isFileWatcher)
        .sorted(java.util.Comparator.comparing(CertificateProviderConfig::instanceName))
        .findFirst();
  }

  @Override
  public String toString() {
    // the node's metadata can be large (Istio puts the pod's annotations there): not in logs
    return "XdsBootstrap{server=" + serverUri + ", creds=" + channelCredentials + ", node=" + node.getId()
        + ", features=" + serverFeatures + ", certificateProviders=" + certificateProviders.keySet()
        + ", origin=" + origin + "}";
  }
}
