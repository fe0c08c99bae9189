package io.mesh4j.xds.internal.bootstrap;

import static io.mesh4j.xds.internal.bootstrap.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdsBootstrapLoaderTest {

  @TempDir Path dir;

  static String istioBootstrap() throws IOException {
    try (InputStream in = XdsBootstrapLoaderTest.class.getResourceAsStream("/xds/istio-grpc-bootstrap.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Path write(String name, String json) throws IOException {
    return Files.writeString(dir.resolve(name), json);
  }

  private static String minimal(String serverUri) {
    return "{\"xds_servers\":[{\"server_uri\":\"" + serverUri + "\",\"channel_creds\":[{\"type\":\"insecure\"}]}],"
        + "\"node\":{\"id\":\"from-bootstrap\",\"cluster\":\"bootstrap-cluster\"}}";
  }

  @Test
  void readsTheBootstrapIstioAgentWritesForAProxylessWorkload() throws IOException {
    Path file = write("grpc-bootstrap.json", istioBootstrap());

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP", file.toString()));

    // as stock istio-agent writes it (its XDS path is relative to its working directory, /)
    assertThat(b.serverUri()).isEqualTo("unix:///./etc/istio/proxy/XDS");
    assertThat(b.target()).isEqualTo(new XdsServerTarget.Unix(Path.of("/etc/istio/proxy/XDS")));
    assertThat(b.channelCredentials()).isEqualTo("insecure");
    assertThat(b.serverFeatures()).containsExactly("xds_v3");
    assertThat(b.ignoreResourceDeletion()).isFalse();
    assertThat(b.origin()).isEqualTo("$GRPC_XDS_BOOTSTRAP=" + file);
    Node node = b.node();
    assertThat(node.getId()).isEqualTo("sidecar~10.244.0.17~frontend-7d9f8c6b5-x2k4q.default~default.svc.cluster.local");
    assertThat(node.getMetadata().getFieldsOrThrow("GENERATOR").getStringValue()).isEqualTo("grpc");
    assertThat(node.getMetadata().getFieldsOrThrow("NAMESPACE").getStringValue()).isEqualTo("default");
    assertThat(node.getMetadata().getFieldsOrThrow("ENVOY_STATUS_PORT").getNumberValue()).isEqualTo(15021);
    assertThat(node.getMetadata().getFieldsOrThrow("LABELS").getStructValue()
        .getFieldsOrThrow("app").getStringValue()).isEqualTo("frontend");
    assertThat(node.getMetadata().getFieldsOrThrow("PILOT_SAN").getListValue().getValues(0).getStringValue())
        .isEqualTo("istiod.istio-system.svc");
    assertThat(node.getMetadata().getFieldsOrThrow("PROXY_CONFIG").getStructValue()
        .getFieldsOrThrow("holdApplicationUntilProxyStarts").getBoolValue()).isTrue();
    assertThat(node.getUserAgentName()).isEqualTo("mesh4j");
    assertThat(node.getUserAgentVersion()).isNotEmpty();
    assertThat(node.getClientFeaturesList()).isEmpty();
    // istiod ignores node.cluster; mesh4j fills it with mesh.service when the bootstrap has none
    assertThat(node.getCluster()).isEqualTo("frontend");

    CertificateProviderConfig provider = b.certificateProviders().get("default");
    assertThat(provider).isEqualTo(new CertificateProviderConfig("default", "file_watcher",
        Path.of("/var/lib/istio/data/cert-chain.pem"), Path.of("/var/lib/istio/data/key.pem"),
        Path.of("/var/lib/istio/data/root-cert.pem"), Duration.ofSeconds(900)));
    assertThat(b.fileWatcherProvider()).contains(provider);
  }

  @Test
  void theKeyWinsOverTheEnvironmentAndTheFileVariableOverTheJsonVariable() throws IOException {
    Path fromKey = write("key.json", minimal("key.example:1"));
    Path fromEnv = write("env.json", minimal("env.example:2"));
    Map<String, String> env = Map.of("GRPC_XDS_BOOTSTRAP", fromEnv.toString(),
        "GRPC_XDS_BOOTSTRAP_CONFIG", minimal("json.example:3"));

    assertThat(XdsBootstrapLoader.load(config("mesh.xds.bootstrap", fromKey.toString()), env).serverUri())
        .isEqualTo("key.example:1");
    assertThat(XdsBootstrapLoader.load(config(), env).serverUri()).isEqualTo("env.example:2");
    XdsBootstrap fromJson = XdsBootstrapLoader.load(config(),
        Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", minimal("json.example:3"), "GRPC_XDS_BOOTSTRAP", " "));
    assertThat(fromJson.serverUri()).isEqualTo("json.example:3");
    assertThat(fromJson.origin()).isEqualTo("$GRPC_XDS_BOOTSTRAP_CONFIG");
  }

  @Test
  void serverAndNodeKeysAloneAreEnoughAndDefaultTheNodeToTheWorkload() {
    MeshConfig cfg = config("mesh.xds.server", "127.0.0.1:15010", "mesh.locality.region", "eu-west",
        "mesh.locality.zone", "eu-west-1a");

    XdsBootstrap b = XdsBootstrapLoader.load(cfg, Map.of());

    assertThat(b.target()).isEqualTo(new XdsServerTarget.Tcp("127.0.0.1:15010"));
    assertThat(b.channelCredentials()).isEqualTo("insecure");
    assertThat(b.origin()).isEqualTo("mesh.xds.server");
    assertThat(b.node().getId()).isEqualTo("frontend");
    assertThat(b.node().getCluster()).isEqualTo("frontend");
    assertThat(b.node().getLocality().getRegion()).isEqualTo("eu-west");
    assertThat(b.node().getLocality().getZone()).isEqualTo("eu-west-1a");
    assertThat(b.certificateProviders()).isEmpty();

    XdsBootstrap named = XdsBootstrapLoader.load(config("mesh.xds.server", "dns:///istiod:15010",
        "mesh.xds.node-id", "sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local",
        "mesh.xds.node-cluster", "frontend-cluster"), Map.of());
    assertThat(named.node().getId()).isEqualTo("sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local");
    assertThat(named.node().getCluster()).isEqualTo("frontend-cluster");
  }

  @Test
  void explicitKeysOverrideTheBootstrapsServerAndNodeAndTheOriginSaysSo() throws IOException {
    Path file = write("grpc-bootstrap.json", istioBootstrap());
    MeshConfig cfg = config("mesh.xds.bootstrap", file.toString(), "mesh.xds.server", "localhost:15010",
        "mesh.xds.node-id", "override-id");

    XdsBootstrap b = XdsBootstrapLoader.load(cfg, Map.of());

    assertThat(b.target()).isEqualTo(new XdsServerTarget.Tcp("localhost:15010"));
    assertThat(b.node().getId()).isEqualTo("override-id");
    // what the keys do not override still comes from the bootstrap
    assertThat(b.node().getMetadata().getFieldsOrThrow("GENERATOR").getStringValue()).isEqualTo("grpc");
    assertThat(b.certificateProviders()).containsKey("default");
    assertThat(b.origin()).isEqualTo("mesh.xds.bootstrap=" + file + " + mesh.xds.server + mesh.xds.node-id");
  }

  @Test
  void theServerKeyBesideABootstrapMovesOnlyTheAddressKeepingItsTlsCredsAndServerFeatures() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"istiod:15012\",\"channel_creds\":[{\"type\":\"tls\","
        + "\"config\":{\"ca_certificate_file\":\"/etc/ca.pem\"}}],"
        + "\"server_features\":[\"xds_v3\",\"ignore_resource_deletion\"]}]}";

    XdsBootstrap b = XdsBootstrapLoader.load(config("mesh.xds.server", "istiod-canary:15012"),
        Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.serverUri()).isEqualTo("istiod-canary:15012");
    assertThat(b.target()).isEqualTo(new XdsServerTarget.Tcp("istiod-canary:15012"));
    assertThat(b.channelCredentials()).isEqualTo("tls");
    assertThat(b.tlsCredentials().caCertificateFile()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(b.serverFeatures()).containsExactlyInAnyOrder("xds_v3", "ignore_resource_deletion");
    assertThat(b.origin()).isEqualTo("$GRPC_XDS_BOOTSTRAP_CONFIG + mesh.xds.server");
  }

  @Test
  void theServerKeyWithoutABootstrapIsPlaintextWithoutServerFeatures() {
    XdsBootstrap b = XdsBootstrapLoader.load(config("mesh.xds.server", "istiod:15010"), Map.of());

    assertThat(b.channelCredentials()).isEqualTo("insecure");
    assertThat(b.tlsCredentials()).isNull();
    assertThat(b.serverFeatures()).isEmpty();
  }

  @Test
  void channelCredsTypesAreMatchedExactlyAsGrpcDoes() {
    String upperFirst = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"TLS\"},"
        + "{\"type\":\"insecure\"}]}]}";
    String upperOnly = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"Insecure\"}]}]}";

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", upperFirst));

    assertThat(b.channelCredentials()).isEqualTo("insecure");
    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", upperOnly)))
        .hasMessageContaining("xds_servers[0].channel_creds: none of the types [Insecure] is supported");
  }

  @Test
  void aTlsCredsConfigNamingNoFileMeansTheSystemTrustStore() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"istiod:15012\",\"channel_creds\":[{\"type\":\"tls\","
        + "\"config\":{\"refresh_interval\":\"60s\"}}]}]}";

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.channelCredentials()).isEqualTo("tls");
    assertThat(b.tlsCredentials()).isNull();
  }

  @Test
  void aTlsCredsConfigWithAKeyButNoCertificateIsStillAnError() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"istiod:15012\",\"channel_creds\":[{\"type\":\"tls\","
        + "\"config\":{\"private_key_file\":\"/etc/key.pem\"}}]}]}";

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json)))
        .hasMessageContaining("xds_servers[0].channel_creds[0].config: certificate_file and private_key_file go"
            + " together");
  }

  @Test
  void aCertificateProviderNamingNoFileIsAnError() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]}],"
        + "\"certificate_providers\":{\"default\":{\"plugin_name\":\"file_watcher\",\"config\":{}}}}";

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json)))
        .hasMessageContaining("certificate_providers.default.config: names no file");
  }

  @Test
  void aChannelCredsTypeThatIsNotAStringIsReportedOnce() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":5},"
        + "{\"type\":\"insecure\"}]}]}";

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json)))
        .isInstanceOfSatisfying(MeshConfigException.class, e -> assertThat(e.problems())
            .singleElement()
            .satisfies(p -> assertThat(p.message()).contains("xds_servers[0].channel_creds[0].type: expected a string")));
  }

  @Test
  void aBootstrapThatIsNotARegularFileIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("bootstrap.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    MeshConfig cfg = config("mesh.xds.bootstrap", fifo.toString());

    // opening a FIFO for reading blocks until a writer comes: the loader must not open it
    assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        assertThatThrownBy(() -> XdsBootstrapLoader.load(cfg, Map.of()))
            .isInstanceOf(MeshConfigException.class)
            .hasMessageContaining("mesh.xds.bootstrap")
            .hasMessageContaining(fifo + " is not a regular file"));
  }

  @Test
  void aBootstrapOverTheSizeLimitIsRefusedNamingTheLimit() throws Exception {
    Path big = Files.write(dir.resolve("big.json"), new byte[(int) XdsBootstrapLoader.MAX_BOOTSTRAP_BYTES + 1]);

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config("mesh.xds.bootstrap", big.toString()), Map.of()))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining(big + " is larger than " + XdsBootstrapLoader.MAX_BOOTSTRAP_BYTES + " bytes");
  }

  @Test
  void istioAgentsEmptyLocalityIsFilledFromTheWorkloadsKeys() throws IOException {
    XdsBootstrap b = XdsBootstrapLoader.load(config("mesh.locality.region", "europe-west1",
        "mesh.locality.zone", "europe-west1-b"), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", istioBootstrap()));

    assertThat(b.node().getLocality().getRegion()).isEqualTo("europe-west1");
    assertThat(b.node().getLocality().getZone()).isEqualTo("europe-west1-b");
    assertThat(b.node().getLocality().getSubZone()).isEmpty();
  }

  @Test
  void theBootstrapsLocalityWinsOverTheWorkloadsKeys() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]}],"
        + "\"node\":{\"id\":\"n\",\"locality\":{\"region\":\"us\",\"zone\":\"us-1\",\"sub_zone\":\"rack-7\"}}}";

    XdsBootstrap b = XdsBootstrapLoader.load(config("mesh.locality.region", "eu"),
        Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.node().getLocality().getRegion()).isEqualTo("us");
    assertThat(b.node().getLocality().getSubZone()).isEqualTo("rack-7");
  }

  @Test
  void ignoreResourceDeletionIsReadFromServerFeatures() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}],"
        + "\"server_features\":[\"xds_v3\",\"ignore_resource_deletion\"]}]}";

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.ignoreResourceDeletion()).isTrue();
    assertThat(b.node().getId()).isEqualTo("frontend");
  }

  @Test
  void theFirstSupportedChannelCredsTypeIsChosen() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"google_default\"},"
        + "{\"type\":\"tls\",\"config\":{\"ca_certificate_file\":\"/etc/ca.pem\"}},{\"type\":\"insecure\"}]}]}";

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.channelCredentials()).isEqualTo("tls");
    assertThat(b.tlsCredentials().caCertificateFile()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(b.tlsCredentials().hasIdentity()).isFalse();
  }

  @Test
  void onlyUnsupportedChannelCredsIsAClearErrorNamingTheField() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"trafficdirector.googleapis.com:443\","
        + "\"channel_creds\":[{\"type\":\"google_default\"}]}]}";

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json)))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("env GRPC_XDS_BOOTSTRAP_CONFIG")
        .hasMessageContaining("xds_servers[0].channel_creds: none of the types [google_default] is supported");
  }

  @Test
  void everyProblemOfABootstrapFileIsReportedWithTheKeyTheFileAndTheField() throws IOException {
    Path file = write("bad.json", "{\"xds_servers\":[{\"server_uri\":\"istiod\",\"channel_creds\":[]}],"
        + "\"node\":{\"id\":7,\"metadata\":\"x\"},"
        + "\"certificate_providers\":{\"default\":{\"plugin_name\":\"file_watcher\",\"config\":"
        + "{\"certificate_file\":\"/c.pem\",\"refresh_interval\":\"15m\"}}}}");

    MeshConfigException e = catchConfig(() -> XdsBootstrapLoader.load(
        config("mesh.xds.bootstrap", file.toString()), Map.of()));

    assertThat(e.problems()).extracting(ConfigProblem::key).containsOnly("mesh.xds.bootstrap");
    assertThat(e.problems()).extracting(ConfigProblem::message).allMatch(m -> m.contains(file.toString()));
    assertThat(e.getMessage())
        .contains("xds_servers[0].server_uri: 'istiod' has no port")
        .contains("xds_servers[0].channel_creds: expected a non-empty array")
        .contains("node.id: expected a string, got number")
        .contains("node.metadata: expected a JSON object")
        .contains("certificate_providers.default.config.refresh_interval: '15m' is not a duration")
        .contains("certificate_providers.default.config: certificate_file and private_key_file go together");
  }

  @Test
  void malformedJsonNamesTheLine() throws IOException {
    Path file = write("broken.json", "{\n  \"xds_servers\": [\n    {\"server_uri\": }\n  ]\n}");

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP", file.toString())))
        .hasMessageContaining("env GRPC_XDS_BOOTSTRAP=" + file)
        .hasMessageContaining("not valid JSON at line 3");
  }

  @Test
  void aMissingBootstrapFileIsNamed() {
    Path missing = dir.resolve("nope.json");

    assertThatThrownBy(() -> XdsBootstrapLoader.load(config("mesh.xds.bootstrap", missing.toString()), Map.of()))
        .hasMessageContaining("mesh.xds.bootstrap=" + missing)
        .hasMessageContaining("xDS bootstrap file " + missing + " does not exist")
        .hasMessageContaining("holdApplicationUntilProxyStarts");
  }

  @Test
  void missingServersIsAnError() {
    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(),
            Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", "{\"node\":{\"id\":\"a\"}}")))
        .hasMessageContaining("xds_servers: missing");
    assertThatThrownBy(() -> XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", "[]")))
        .hasMessageContaining("expected a JSON object");
  }

  @Test
  void noSourceAtAllNamesEveryKeyAndVariableThatCouldGiveOne() {
    MeshConfigException e = catchConfig(() -> XdsBootstrapLoader.load(config("mesh.xds.node-id", "n"), Map.of()));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mesh.xds.server");
      assertThat(p.message()).contains("mesh.xds.bootstrap", "GRPC_XDS_BOOTSTRAP", "GRPC_XDS_BOOTSTRAP_CONFIG",
          "mesh.xds.server=host:port", "mesh.xds.node-id");
    });
  }

  @Test
  void unknownFieldsAndOtherCertificatePluginsAreKeptOutOfTheWay() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]},"
        + "{\"server_uri\":\"b:2\",\"channel_creds\":[{\"type\":\"insecure\"}]}],"
        + "\"authorities\":{},\"something_new\":1,"
        + "\"certificate_providers\":{\"vault\":{\"plugin_name\":\"vault_pki\",\"config\":{}}}}";

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.serverUri()).isEqualTo("a:1");
    assertThat(b.certificateProviders().get("vault").isFileWatcher()).isFalse();
    assertThat(b.fileWatcherProvider()).isEmpty();
  }

  @Test
  void refreshIntervalTakesProtobufJsonDurationsAndDefaultsToTenMinutes() {
    String json = "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]}],"
        + "\"certificate_providers\":{"
        + "\"a\":{\"plugin_name\":\"file_watcher\",\"config\":{\"ca_certificate_file\":\"/ca.pem\"}},"
        + "\"b\":{\"plugin_name\":\"file_watcher\",\"config\":{\"ca_certificate_file\":\"/ca.pem\","
        + "\"refresh_interval\":\"1.5s\"}}}}";

    XdsBootstrap b = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertThat(b.certificateProviders().get("a").refreshInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(b.certificateProviders().get("b").refreshInterval()).isEqualTo(Duration.ofMillis(1500));
  }

  private static MeshConfigException catchConfig(Runnable r) {
    try {
      r.run();
    } catch (MeshConfigException e) {
      return e;
    }
    throw new AssertionError("expected a MeshConfigException");
  }
}
