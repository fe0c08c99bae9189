package io.mesh4j.discovery.kubernetes;

/**
 * Why Kubernetes discovery has no answer for a service: the API server cannot be reached or
 * refuses, the Service does not exist, or its ports do not fit {@code kubernetes.port}. The
 * message names the API server, the Service and the key concerned; the mesh keeps the last good
 * endpoints and reports it ({@code MeshClient.discoveryStatus}, {@code DiscoveryFailed}).
 */
public class KubernetesDiscoveryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KubernetesDiscoveryException(String message) {
    super(message);
  }

  public KubernetesDiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
