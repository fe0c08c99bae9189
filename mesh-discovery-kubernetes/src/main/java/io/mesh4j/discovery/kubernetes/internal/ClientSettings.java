package io.mesh4j.discovery.kubernetes.internal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the backend finds its API server.
 *
 * @param kubeconfig {@code mesh.discovery.kubernetes.kubeconfig}, or null for fabric8's lookup
 * @param context {@code mesh.discovery.kubernetes.context}, or null for the current context
 * @param podNamespaceFile where the pod's namespace is mounted (tests point it elsewhere)
 * @param coalesce {@code mesh.discovery.kubernetes.coalesce}: changes within it make one snapshot
 */
public record ClientSettings(Path kubeconfig, String context, Path podNamespaceFile, Duration coalesce) {}
