package io.mesh4j.xds.internal.bootstrap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One entry of the bootstrap's {@code certificate_providers} (gRPC A29). Only the {@code
 * file_watcher} plug-in has files; any other plug-in is kept by name, so a cluster that refers to it
 * can be refused with a clear reason.
 *
 * @param instanceName the key in {@code certificate_providers} ({@code default} under Istio); for the
 *     files of {@code tls} channel creds, the field they come from ({@code xds_servers[0].channel_creds[0].config})
 * @param pluginName {@code file_watcher} or what the bootstrap says
 * @param certificateFile the certificate chain (PEM, leaf first); null when not set or not file_watcher
 * @param privateKeyFile the chain's private key (PEM); null when not set or not file_watcher
 * @param caCertificateFile the trusted CA certificates (PEM); null when not set or not file_watcher
 * @param refreshInterval how often the files are re-read ({@value #DEFAULT_REFRESH_SECONDS}s by default, as gRPC)
 */
public record CertificateProviderConfig(
    String instanceName,
    String pluginName,
    Path certificateFile,
    Path privateKeyFile,
    Path caCertificateFile,
    Duration refreshInterval) {

  public static final String FILE_WATCHER = "file_watcher";

  /** gRPC's default {@code refresh_interval} for {@code file_watcher}: 10 minutes. */
  public static final long DEFAULT_REFRESH_SECONDS = 600;

  public CertificateProviderConfig {
    Objects.requireNonNull(instanceName, "instanceName");
    Objects.requireNonNull(pluginName, "pluginName");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
  }

  public boolean isFileWatcher() {
    return FILE_WATCHER.equals(pluginName);
  }

  /** True when the provider gives this workload an identity (a certificate and its key), not only trust. */
  public boolean hasIdentity() {
    return certificateFile != null && privateKeyFile != null;
  }
}
