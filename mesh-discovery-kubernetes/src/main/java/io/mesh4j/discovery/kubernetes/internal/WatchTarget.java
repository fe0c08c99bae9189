package io.mesh4j.discovery.kubernetes.internal;

/**
 * What one mesh service watches.
 *
 * @param meshService the mesh's name for it
 * @param name the Kubernetes Service's name
 * @param namespace its namespace, or null for the default (the pod's, else the kubeconfig's, else "default")
 * @param port which of its ports to call
 * @param portKey the full name of {@code kubernetes.port} for this service, for messages
 */
public record WatchTarget(String meshService, String name, String namespace, PortSelector port, String portKey) {}
