package io.mesh4j.xds;

import static io.mesh4j.xds.internal.bootstrap.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.xds.internal.bootstrap.BootstrapCache;
import io.mesh4j.xds.internal.bootstrap.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdsKeysTest {

  @TempDir Path dir;

  private static List<ConfigProblem> validate(MeshConfig cfg, String service) {
    List<ConfigProblem> problems = new ArrayList<>();
    XdsKeys.validate(cfg.service(service).orElseThrow(), problems);
    return problems;
  }

  @Test
  void aServiceUsingXdsNeedsExactlyOneOfListenerAndCluster() {
    MeshConfig cfg = config("mesh.services.orders.xds.cluster", "outbound|8080||orders.default.svc.cluster.local",
        "mesh.services.cart.xds.listener", "cart.default.svc.cluster.local:8080",
        "mesh.services.both.xds.cluster", "c", "mesh.services.both.xds.listener", "l",
        "mesh.services.neither.xds.cluster", "c");
    MeshConfig neither = cfg.withService(ServiceConfig.of("neither", Map.of()));

    assertThat(validate(cfg, "orders")).isEmpty();
    assertThat(validate(cfg, "cart")).isEmpty();
    assertThat(validate(cfg, "both")).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mesh.services.both.xds.cluster");
      assertThat(p.message()).contains("not allowed with mesh.services.both.xds.listener");
    });
    assertThat(validate(neither, "neither")).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mesh.services.neither.xds.cluster");
      assertThat(p.message()).contains("required when discovery=xds", "mesh.services.neither.xds.listener");
    });
  }

  @Test
  void xdsKeysOnAServiceThatDoesNotUseXdsAreReported() {
    MeshConfig cfg = config("mesh.services.orders.xds.cluster", "orders", "mesh.xds.server", "127.0.0.1:1");
    List<ConfigProblem> problems = new ArrayList<>();

    XdsKeys.validateGlobals(cfg, List.of(), problems, Map.of(), new BootstrapCache());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mesh.services.orders.xds.cluster");
      assertThat(p.message()).contains("only used with discovery=xds");
    });
  }

  @Test
  void aServiceUsingXdsWithoutAnyServerFailsValidationNamingTheKeysAndVariables() {
    MeshConfig cfg = config("mesh.services.orders.xds.cluster", "orders");
    List<ConfigProblem> problems = new ArrayList<>();

    XdsKeys.validateGlobals(cfg, List.of(cfg.service("orders").orElseThrow()), problems, Map.of(), new BootstrapCache());

    assertThat(problems).singleElement().satisfies(p -> assertThat(p.toString())
        .contains("mesh.xds.server", "mesh.xds.bootstrap", "GRPC_XDS_BOOTSTRAP", "GRPC_XDS_BOOTSTRAP_CONFIG"));
  }

  @Test
  void aBrokenBootstrapFailsValidationAtStartupNamingTheField() throws Exception {
    Path file = Files.writeString(dir.resolve("b.json"), "{\"xds_servers\":[{\"server_uri\":\"a:1\"}]}");
    MeshConfig cfg = config("mesh.services.orders.xds.cluster", "orders", "mesh.xds.bootstrap", file.toString());
    List<ConfigProblem> problems = new ArrayList<>();

    XdsKeys.validateGlobals(cfg, List.of(cfg.service("orders").orElseThrow()), problems, Map.of(), new BootstrapCache());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mesh.xds.bootstrap");
      assertThat(p.message()).contains(file.toString(), "xds_servers[0].channel_creds");
    });
  }

  @Test
  void theBootstrapIsReadOnceSoALaterValidationDoesNotDependOnTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("b.json"),
        "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]}]}");
    MeshConfig cfg = config("mesh.services.orders.xds.cluster", "orders", "mesh.xds.bootstrap", file.toString());
    BootstrapCache cache = new BootstrapCache();
    List<ConfigProblem> first = new ArrayList<>();
    XdsKeys.validateGlobals(cfg, List.of(cfg.service("orders").orElseThrow()), first, Map.of(), cache);
    Files.delete(file);

    List<ConfigProblem> again = new ArrayList<>();
    XdsKeys.validateGlobals(cfg, List.of(cfg.service("orders").orElseThrow()), again, Map.of(), cache);

    assertThat(first).isEmpty();
    assertThat(again).isEmpty();
  }

  @Test
  void aFailedReadIsNotKeptSoTheNextValidationReadsTheFileAgain() throws Exception {
    Path file = dir.resolve("later.json");
    MeshConfig cfg = config("mesh.services.orders.xds.cluster", "orders", "mesh.xds.bootstrap", file.toString());
    BootstrapCache cache = new BootstrapCache();
    List<ConfigProblem> missing = new ArrayList<>();
    XdsKeys.validateGlobals(cfg, List.of(cfg.service("orders").orElseThrow()), missing, Map.of(), cache);
    Files.writeString(file,
        "{\"xds_servers\":[{\"server_uri\":\"a:1\",\"channel_creds\":[{\"type\":\"insecure\"}]}]}");

    List<ConfigProblem> present = new ArrayList<>();
    XdsKeys.validateGlobals(cfg, List.of(cfg.service("orders").orElseThrow()), present, Map.of(), cache);

    assertThat(missing).singleElement().satisfies(p -> assertThat(p.message()).contains("does not exist"));
    assertThat(present).isEmpty();
  }

  @Test
  void noServiceUsingXdsNeedsNoServer() {
    List<ConfigProblem> problems = new ArrayList<>();

    XdsKeys.validateGlobals(config(), List.of(), problems, Map.of(), new BootstrapCache());

    assertThat(problems).isEmpty();
  }

  @Test
  void aBadServerValueIsRefusedWhenTheConfigurationLoads() {
    assertThatThrownBy(() -> config("mesh.xds.server", "istiod.istio-system.svc"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.xds.server=istiod.istio-system.svc")
        .hasMessageContaining("has no port");
  }

  @Test
  void aMisspeltKeyGetsADidYouMean() {
    assertThatThrownBy(() -> config("mesh.xds.sever", "127.0.0.1:15010"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.xds.sever")
        .hasMessageContaining("mesh.xds.server");
    assertThatThrownBy(() -> config("mesh.services.orders.xds.clustr", "orders"))
        .hasMessageContaining("xds.cluster");
  }

  @Test
  void everyKeyIsDocumented() {
    assertThat(TestConfigs.schema().globalKeys()).containsAll(XdsKeys.GLOBAL_KEYS);
    XdsKeys.GLOBAL_KEYS.forEach(k -> assertThat(k.description()).as(k.name()).isNotBlank());
    XdsKeys.SERVICE_KEYS.forEach(k -> assertThat(k.description()).as(k.name()).isNotBlank());
  }
}
