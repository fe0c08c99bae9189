package io.mesh4j.xds.internal.bootstrap;

import static io.mesh4j.xds.internal.bootstrap.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.testing.LogCapture;
import io.mesh4j.testing.tls.TestCa;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateProviderAdviceTest {

  @TempDir Path dir;

  private static final String KEYS = "mesh.tls.source=files, mesh.tls.files.cert=/var/lib/istio/data/cert-chain.pem,"
      + " mesh.tls.files.key=/var/lib/istio/data/key.pem, mesh.tls.files.bundle=/var/lib/istio/data/root-cert.pem";

  private static XdsBootstrap istio() throws IOException {
    return XdsBootstrapLoader.load(config(),
        Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", XdsBootstrapLoaderTest.istioBootstrap()));
  }

  @Test
  void istiosFileWatcherWithoutTheFilesSourceNamesTheExactKeysToSet() throws IOException {
    var advice = CertificateProviderAdvice.advice(istio(), config());

    assertThat(advice).hasValueSatisfying(m -> assertThat(m)
        .contains("certificate provider 'default' (file_watcher)")
        .contains("mesh.tls.source is not set")
        .contains("set " + KEYS + ", mesh.trust-domain=<the mesh's trust domain> (Istio's is cluster.local"));
    assertThat(CertificateProviderAdvice.advice(istio(), config("mesh.tls.source", "dev-ca")))
        .hasValueSatisfying(m -> assertThat(m).contains("mesh.tls.source=dev-ca").contains(KEYS));
  }

  @Test
  void theFilesSourceOnTheProvidersFilesNeedsNoAdvice() throws IOException {
    MeshConfig cfg = config("mesh.tls.source", "files", "mesh.tls.files.cert", "/var/lib/istio/data/cert-chain.pem",
        "mesh.tls.files.key", "/var/lib/istio/data/key.pem", "mesh.tls.files.bundle",
        "/var/lib/istio/data/./root-cert.pem", "mesh.trust-domain", "cluster.local");

    assertThat(CertificateProviderAdvice.advice(istio(), cfg)).isEmpty();
  }

  @Test
  void theProvidersFilesWithoutATrustDomainNameMeshTrustDomain() throws IOException {
    MeshConfig cfg = config("mesh.tls.source", "files", "mesh.tls.files.cert", "/var/lib/istio/data/cert-chain.pem",
        "mesh.tls.files.key", "/var/lib/istio/data/key.pem", "mesh.tls.files.bundle",
        "/var/lib/istio/data/root-cert.pem");

    assertThat(CertificateProviderAdvice.advice(istio(), cfg)).hasValueSatisfying(m -> assertThat(m)
        .contains("mesh.trust-domain is not set (mesh.local by default)")
        .contains("Set mesh.trust-domain=<the mesh's trust domain> (Istio's is cluster.local"));
  }

  @Test
  void theTrustDomainIsReadFromTheProvidersCertificateWhenItIsThere() throws Exception {
    TestCa ca = TestCa.root("cluster.local");
    Path cert = dir.resolve("cert-chain.pem");
    Path key = dir.resolve("key.pem");
    ca.svid("spiffe://cluster.local/ns/default/sa/frontend").writePem(cert, key);
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]}],"
        + "\"certificate_providers\":{\"default\":{\"plugin_name\":\"file_watcher\",\"config\":{"
        + "\"certificate_file\":\"" + cert + "\",\"private_key_file\":\"" + key + "\"}}}}";
    XdsBootstrap bootstrap = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));
    String[] files = {"mesh.tls.source", "files", "mesh.tls.files.cert", cert.toString(),
        "mesh.tls.files.key", key.toString()};

    assertThat(CertificateProviderAdvice.advice(bootstrap, config()))
        .hasValueSatisfying(m -> assertThat(m).endsWith(", mesh.trust-domain=cluster.local"));
    assertThat(CertificateProviderAdvice.advice(bootstrap, config(concat(files, "mesh.trust-domain", "example.org"))))
        .hasValueSatisfying(m -> assertThat(m)
            .contains("mesh.trust-domain=example.org while its certificate is in trust domain cluster.local")
            .endsWith("Set mesh.trust-domain=cluster.local"));
    assertThat(CertificateProviderAdvice.advice(bootstrap, config(concat(files, "mesh.trust-domain", "cluster.local"))))
        .isEmpty();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void theFilesSourceOnOtherFilesIsPointedOut() throws IOException {
    MeshConfig cfg = config("mesh.tls.source", "files", "mesh.tls.files.cert", "/run/svid/svid.pem",
        "mesh.tls.files.key", "/run/svid/key.pem", "mesh.tls.files.bundle", "/run/svid/bundle.pem");

    assertThat(CertificateProviderAdvice.advice(istio(), cfg))
        .hasValueSatisfying(m -> assertThat(m).contains("other files", "/run/svid/svid.pem").contains(KEYS));
  }

  @Test
  void aBootstrapWithoutCertificateProvidersNeedsNoAdvice() {
    XdsBootstrap plain = XdsBootstrapLoader.load(config("mesh.xds.server", "127.0.0.1:1"), Map.of());

    assertThat(CertificateProviderAdvice.advice(plain, config())).isEmpty();
  }

  @Test
  void theAdviceIsLoggedAsAWarning() throws IOException {
    XdsBootstrap istio = istio();
    try (LogCapture logs = new LogCapture()) {
      CertificateProviderAdvice.warnIfNeeded(istio, config());

      assertThat(logs.warnings("mesh.tls.source=files")).hasSize(1);
    }
  }
}
