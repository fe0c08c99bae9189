package io.mesh4j.discovery.kubernetes.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The namespace of the pod this runs in, as Kubernetes mounts it for the service account. */
public final class PodNamespace {

  /** Where Kubernetes puts it in every pod that mounts its service account token. */
  public static final Path DEFAULT_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private PodNamespace() {}

  /** The file's trimmed content; empty outside a pod (no file) or when it cannot be read. */
  static Optional<String> read(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String ns = Files.readString(file, StandardCharsets.UTF_8).trim();
      return ns.isEmpty() ? Optional.empty() : Optional.of(ns);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
