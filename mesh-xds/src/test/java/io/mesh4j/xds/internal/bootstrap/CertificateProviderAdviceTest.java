package io.mesh4j.xds.internal.bootstrap;

import static io.mesh4j.xds.internal.bootstrap.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.testing.LogCapture;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateProviderAdviceTest {

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
        .endsWith("set " + KEYS));
    assertThat(CertificateProviderAdvice.advice(istio(), config("mesh.tls.source", "dev-ca")))
        .hasValueSatisfying(m -> assertThat(m).contains("mesh.tls.source=dev-ca").endsWith(KEYS));
  }

  @Test
  void theFilesSourceOnTheProvidersFilesNeedsNoAdvice() throws IOException {
    MeshConfig cfg = config("mesh.tls.source", "files", "mesh.tls.files.cert", "/var/lib/istio/data/cert-chain.pem",
        "mesh.tls.files.key", "/var/lib/istio/data/key.pem", "mesh.tls.files.bundle",
        "/var/lib/istio/data/./root-cert.pem");

    assertThat(CertificateProviderAdvice.advice(istio(), cfg)).isEmpty();
  }

  @Test
  void theFilesSourceOnOtherFilesIsPointedOut() throws IOException {
    MeshConfig cfg = config("mesh.tls.source", "files", "mesh.tls.files.cert", "/run/svid/svid.pem",
        "mesh.tls.files.key", "/run/svid/key.pem", "mesh.tls.files.bundle", "/run/svid/bundle.pem");

    assertThat(CertificateProviderAdvice.advice(istio(), cfg))
        .hasValueSatisfying(m -> assertThat(m).contains("other files", "/run/svid/svid.pem").endsWith(KEYS));
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
