package io.mesh4j.xds.internal.bootstrap;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ValueParsers;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to tell the user about the bootstrap's {@code file_watcher} certificate provider. mesh4j
 * takes workload certificates from mesh-tls only (one source of identity per client, its files
 * watched by mesh-tls), so the provider is not read here: when mesh-tls is not already set to the
 * provider's files, a warning names the exact keys that make it so. Nothing is changed silently: the
 * user's {@code mesh.tls.*} keys stay what they wrote.
 */
public final class CertificateProviderAdvice {

  private static final Logger log = LoggerFactory.getLogger(CertificateProviderAdvice.class);

  // mesh-xds does not depend on mesh-tls: these read mesh-tls' keys by name (absent without mesh-tls)
  static final ConfigKey<Object> TLS_SOURCE = byName("mesh.tls.source");
  static final ConfigKey<Object> TLS_FILES_CERT = byName("mesh.tls.files.cert");
  static final ConfigKey<Object> TLS_FILES_KEY = byName("mesh.tls.files.key");
  static final ConfigKey<Object> TLS_FILES_BUNDLE = byName("mesh.tls.files.bundle");

  private CertificateProviderAdvice() {}

  /** Logs {@link #advice} at WARN when there is any. */
  public static void warnIfNeeded(XdsBootstrap bootstrap, MeshConfig config) {
    advice(bootstrap, config).ifPresent(log::warn);
  }

  /**
   * Empty when the bootstrap has no {@code file_watcher} provider with a certificate, or when
   * mesh-tls already reads exactly its files; else a message naming the keys to set.
   */
  public static Optional<String> advice(XdsBootstrap bootstrap, MeshConfig config) {
    Optional<CertificateProviderConfig> found = bootstrap.fileWatcherProvider().filter(p -> p.hasIdentity());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    CertificateProviderConfig p = found.get();
    String wanted = "mesh.tls.source=files, mesh.tls.files.cert=" + p.certificateFile()
        + ", mesh.tls.files.key=" + p.privateKeyFile()
        + (p.caCertificateFile() != null ? ", mesh.tls.files.bundle=" + p.caCertificateFile() : "");
    String provider = "the xDS bootstrap (" + bootstrap.origin() + ") has certificate provider '"
        + p.instanceName() + "' (file_watcher)";
    if (!"files".equals(text(config, TLS_SOURCE))) {
      String now = config.isSet(TLS_SOURCE) ? "mesh.tls.source=" + text(config, TLS_SOURCE)
          : "mesh.tls.source is not set (dev-ca by default, or mesh-tls is absent)";
      return Optional.of(provider + ", but " + now + ": clusters that ask for mTLS will use other certificates"
          + " than the control plane's workloads trust. To use the provider's files, set " + wanted);
    }
    boolean same = samePath(config, TLS_FILES_CERT, p.certificateFile())
        && samePath(config, TLS_FILES_KEY, p.privateKeyFile())
        && (p.caCertificateFile() == null || samePath(config, TLS_FILES_BUNDLE, p.caCertificateFile()));
    if (same) {
      return Optional.empty();
    }
    return Optional.of(provider + " with other files than mesh.tls.files.* (" + text(config, TLS_FILES_CERT) + ", "
        + text(config, TLS_FILES_KEY) + ", " + text(config, TLS_FILES_BUNDLE) + "); mesh4j uses mesh.tls.files.*."
        + " To use the provider's files, set " + wanted);
  }

  private static boolean samePath(MeshConfig config, ConfigKey<Object> key, Path expected) {
    String set = text(config, key);
    return set != null && Objects.equals(Path.of(set).toAbsolutePath().normalize(), expected);
  }

  private static String text(MeshConfig config, ConfigKey<Object> key) {
    Object v = config.get(key);
    return v == null ? null : v.toString();
  }

  private static ConfigKey<Object> byName(String name) {
    return ConfigKey.global(name, ValueParsers.<Object>of("(read only)", s -> s)).build();
  }
}
