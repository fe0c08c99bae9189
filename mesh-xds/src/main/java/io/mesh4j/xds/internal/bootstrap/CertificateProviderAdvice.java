package io.mesh4j.xds.internal.bootstrap;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ValueParsers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
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

  /** The SAN type of a URI (RFC 5280 uniformResourceIdentifier), as X509Certificate lists it. */
  private static final int URI_SAN = 6;

  private static final long MAX_CERTIFICATE_BYTES = 1 << 20;

  private CertificateProviderAdvice() {}

  /** Logs {@link #advice} at WARN when there is any. */
  public static void warnIfNeeded(XdsBootstrap bootstrap, MeshConfig config) {
    advice(bootstrap, config).ifPresent(log::warn);
  }

  /**
   * Empty when the bootstrap has no {@code file_watcher} provider with a certificate, or when
   * mesh-tls already reads exactly its files and {@code mesh.trust-domain} is the certificate's (or,
   * when the certificate cannot be read yet, is set at all); else a message naming the keys to set.
   */
  public static Optional<String> advice(XdsBootstrap bootstrap, MeshConfig config) {
    Optional<CertificateProviderConfig> found = bootstrap.fileWatcherProvider().filter(p -> p.hasIdentity());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    CertificateProviderConfig p = found.get();
    // mesh-tls checks peers' SPIFFE IDs against mesh.trust-domain: Istio's certificates are in its
    // mesh's (cluster.local by default), never in mesh4j's default mesh.local
    Optional<String> certDomain = trustDomainOf(p.certificateFile());
    boolean domainOk = certDomain.map(d -> d.equals(config.trustDomain()))
        .orElse(config.isSet(MeshConfig.TRUST_DOMAIN));
    String domainKey = certDomain.map(d -> "mesh.trust-domain=" + d)
        .orElse("mesh.trust-domain=<the mesh's trust domain> (Istio's is cluster.local unless its"
            + " meshConfig.trustDomain says otherwise; the trust domain could not be read from " + p.certificateFile()
            + ")");
    String wanted = "mesh.tls.source=files, mesh.tls.files.cert=" + p.certificateFile()
        + ", mesh.tls.files.key=" + p.privateKeyFile()
        + (p.caCertificateFile() != null ? ", mesh.tls.files.bundle=" + p.caCertificateFile() : "")
        + (domainOk ? "" : ", " + domainKey);
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
      if (domainOk) {
        return Optional.empty();
      }
      String now = config.isSet(MeshConfig.TRUST_DOMAIN) ? "mesh.trust-domain=" + config.trustDomain()
          : "mesh.trust-domain is not set (mesh.local by default)";
      return Optional.of(provider + " and mesh.tls.files.* read its files, but " + now
          + certDomain.map(d -> " while its certificate is in trust domain " + d).orElse("")
          + ": the SPIFFE IDs of the mesh's workloads will not match. Set " + domainKey);
    }
    return Optional.of(provider + " with other files than mesh.tls.files.* (" + text(config, TLS_FILES_CERT) + ", "
        + text(config, TLS_FILES_KEY) + ", " + text(config, TLS_FILES_BUNDLE) + "); mesh4j uses mesh.tls.files.*."
        + " To use the provider's files, set " + wanted);
  }

  /**
   * The trust domain of the first {@code spiffe://} URI SAN of the file's first (leaf) certificate;
   * empty when the file is not there yet (istio-agent may still be writing it) or has none.
   */
  static Optional<String> trustDomainOf(Path certificateFile) {
    try {
      if (!Files.isRegularFile(certificateFile) || Files.size(certificateFile) > MAX_CERTIFICATE_BYTES) {
        return Optional.empty();
      }
      Collection<? extends Certificate> chain;
      try (InputStream in = Files.newInputStream(certificateFile)) {
        chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (chain.isEmpty() || !(chain.iterator().next() instanceof X509Certificate leaf)
          || leaf.getSubjectAlternativeNames() == null) {
        return Optional.empty();
      }
      for (List<?> san : leaf.getSubjectAlternativeNames()) {
        if (san.size() >= 2 && Integer.valueOf(URI_SAN).equals(san.get(0)) && san.get(1) instanceof String uri
            && uri.startsWith("spiffe://")) {
          String rest = uri.substring("spiffe://".length());
          int slash = rest.indexOf('/');
          String domain = slash < 0 ? rest : rest.substring(0, slash);
          return domain.isEmpty() ? Optional.empty() : Optional.of(domain);
        }
      }
      return Optional.empty();
    } catch (IOException | CertificateException | RuntimeException e) {
      log.debug("cannot read the trust domain of {}", certificateFile, e);
      return Optional.empty();
    }
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
