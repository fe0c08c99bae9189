package io.mesh4j.config;

import static io.mesh4j.config.TestSchemas.loader;
import static io.mesh4j.config.TestSchemas.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Successful loads: precedence, environment naming, defaults. */
class MeshConfigLoaderTest {

  @Test
  void loadsGlobalsAndServices() {
    MeshConfig config = loader(text(
        "mesh.service=frontend   # this workload",
        "mesh.trust-domain=example.org",
        "mesh.services.orders.timeout=2s",
        "mesh.services.billing.lb=round-robin")).load();

    assertThat(config.service()).isEqualTo("frontend");
    assertThat(config.trustDomain()).isEqualTo("example.org");
    assertThat(config.services()).containsOnlyKeys("billing", "orders");
    assertThat(config.service("orders").orElseThrow().get(TestSchemas.TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.service("orders").orElseThrow().get(TestSchemas.LB)).isEqualTo("peak-ewma");
  }

  @Test
  void trustDomainDefaultsToMeshLocal() {
    assertThat(loader(text("mesh.service=frontend")).load().trustDomain()).isEqualTo("mesh.local");
  }

  @Test
  void laterSourceOverridesEarlierKeyByKey() {
    MeshConfig config = loader(
        text("mesh.service=frontend", "mesh.services.orders.timeout=1s", "mesh.services.orders.lb=round-robin"),
        PropertySource.fromMap(Map.of("mesh.services.orders.timeout", "3s"), "builder")).load();

    ServiceConfig orders = config.service("orders").orElseThrow();
    assertThat(orders.get(TestSchemas.TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
    assertThat(orders.get(TestSchemas.LB)).isEqualTo("round-robin");
  }

  @Test
  void precedenceIsFileThenEnvironmentThenSystemPropertiesWithTheirLocations() {
    Properties sys = new Properties();
    sys.setProperty("mesh.services.orders.weight", "bad");
    MeshConfigLoader.Builder b = loader(text(
            "mesh.service=frontend",
            "mesh.services.orders.timeout=1s",
            "mesh.services.orders.weight=1"))
        .environment(Map.of("MESH_SERVICES_ORDERS_TIMEOUT", "bad", "MESH_SERVICES_ORDERS_WEIGHT", "bad"))
        .systemProperties(sys);

    assertThat(catchThrowableOfType(MeshConfigException.class, b::load).problems())
        .extracting(ConfigProblem::key, ConfigProblem::location)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mesh.services.orders.timeout", "env MESH_SERVICES_ORDERS_TIMEOUT"),
            org.assertj.core.groups.Tuple.tuple("mesh.services.orders.weight", "system property mesh.services.orders.weight"));

    sys.setProperty("mesh.services.orders.weight", "7");
    MeshConfig config = b.environment(Map.of("MESH_SERVICES_ORDERS_TIMEOUT", "5s", "MESH_SERVICES_ORDERS_WEIGHT", "6"))
        .systemProperties(sys).load();
    ServiceConfig orders = config.service("orders").orElseThrow();
    assertThat(orders.get(TestSchemas.TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(orders.get(TestSchemas.WEIGHT)).isEqualTo(7);
  }

  @Test
  void environmentVariableMatchesAServiceWithADashNamedInTheFile() {
    MeshConfig config = loader(text("mesh.service=frontend", "mesh.services.order-api.lb=round-robin"))
        .environment(Map.of("MESH_SERVICES_ORDER_API_TIMEOUT", "2s"))
        .load();

    assertThat(config.services()).containsOnlyKeys("order-api");
    assertThat(config.service("order-api").orElseThrow().get(TestSchemas.TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void environmentVariableForAServiceNotInTheFileTakesDashesForUnderscores() {
    MeshConfig config = loader()
        .environment(Map.of("MESH_SERVICE", "frontend", "MESH_SERVICES_BILLING_V2_TIMEOUT", "2s"))
        .load();

    assertThat(config.service()).isEqualTo("frontend");
    assertThat(config.services()).containsOnlyKeys("billing-v2");
  }

  @Test
  void environmentVariableMapsToGlobalKeysWithDashesAndDots() {
    MeshConfig config = loader(text("mesh.service=frontend"))
        .environment(Map.of("MESH_TRUST_DOMAIN", "example.org", "MESH_TEST_DEV_CA_DIR", "/tmp/ca"))
        .load();

    assertThat(config.trustDomain()).isEqualTo("example.org");
    assertThat(config.get(TestSchemas.DEV_CA_DIR)).isEqualTo("/tmp/ca");
  }

  @Test
  void environmentVariablesReachNestedDashedServiceAndDefaultsKeys() {
    MeshConfig config = loader(text("mesh.service=frontend", "mesh.services.billing.lb=round-robin"))
        .environment(Map.of(
            "MESH_SERVICES_ORDERS_LB_HASH_HEADER", "x-user",
            "MESH_DEFAULTS_LB_HASH_HEADER", "x-tenant"))
        .load();

    assertThat(config.service("orders").orElseThrow().get(TestSchemas.HASH_HEADER)).isEqualTo("x-user");
    assertThat(config.service("billing").orElseThrow().get(TestSchemas.HASH_HEADER)).isEqualTo("x-tenant");
  }

  @Test
  void defaultsApplyToEveryServiceAndAServiceValueOverridesThem() {
    MeshConfig config = loader(text(
            "mesh.service=frontend",
            "mesh.defaults.timeout=5s",
            "mesh.services.orders.timeout=2s",
            "mesh.services.billing.lb=round-robin"))
        .environment(Map.of("MESH_DEFAULTS_WEIGHT", "3"))
        .load();

    ServiceConfig orders = config.service("orders").orElseThrow();
    ServiceConfig billing = config.service("billing").orElseThrow();
    assertThat(orders.get(TestSchemas.TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
    assertThat(billing.get(TestSchemas.TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(billing.get(TestSchemas.WEIGHT)).isEqualTo(3);
    assertThat(billing.isSet(TestSchemas.TIMEOUT)).isTrue();
    assertThat(config.services()).containsOnlyKeys("billing", "orders");
  }

  @Test
  void requiredServiceKeyIsSatisfiedByDefaultsOrReportedPerService() {
    ConfigKey<String> zone = ConfigKey.service("zone", ValueParsers.nonEmpty()).required().build();
    ConfigSchema schema = ConfigSchema.builder().serviceKey(TestSchemas.TIMEOUT).serviceKey(zone).build();
    MeshConfigLoader.Builder b = MeshConfigLoader.builder().schema(schema)
        .environment(Map.of()).systemProperties(new Properties());

    MeshConfigException e = catchThrowableOfType(MeshConfigException.class,
        () -> b.source(text("mesh.service=frontend", "mesh.services.orders.timeout=1s")).load());
    assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("mesh.services.orders.zone");

    assertThat(b.source(PropertySource.fromMap(Map.of("mesh.defaults.zone", "a"), "builder")).load()
        .service("orders").orElseThrow().get(zone)).isEqualTo("a");
  }
}
