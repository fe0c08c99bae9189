package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

  private static final ConfigKey<Duration> TIMEOUT = ServiceKeys.TIMEOUT;

  private static final ConfigSchema SCHEMA =
      ConfigSchema.builder()
          .globalKey(MeshConfig.LOCALITY_ZONE)
          .globalKey(MeshConfig.CONFIG_WATCH)
          .serviceKey(TIMEOUT)
          .serviceKey(ConfigKey.service("endpoints", ValueParsers.string()).build())
          .build();

  private static MeshConfig load(Map<String, String> values) {
    return MeshConfigLoader.builder()
        .schema(SCHEMA)
        .environment(Map.of())
        .systemProperties(new Properties())
        .source(PropertySource.fromMap(values, "test"))
        .load();
  }

  @Test
  void namesServicesAddedRemovedAndUpdatedWithTheirChangedKeys() {
    MeshConfig before = load(Map.of("mesh.service", "a",
        "mesh.services.orders.endpoints", "x:1", "mesh.services.payments.endpoints", "y:1"));
    MeshConfig after = load(Map.of("mesh.service", "a",
        "mesh.services.orders.endpoints", "x:1", "mesh.services.orders.timeout", "2s",
        "mesh.services.users.endpoints", "z:1"));

    ConfigDiff diff = ConfigDiff.between(before, after, SCHEMA);

    assertThat(diff.servicesAdded()).containsExactly("users");
    assertThat(diff.servicesRemoved()).containsExactly("payments");
    assertThat(diff.servicesUpdated()).containsOnlyKeys("orders");
    assertThat(diff.servicesUpdated().get("orders")).containsExactly("timeout");
    assertThat(diff.describe()).containsExactly(
        "services added: users", "services removed: payments", "service orders updated: timeout");
  }

  @Test
  void aDefaultsChangeUpdatesEveryServiceThatDoesNotOverrideIt() {
    MeshConfig before = load(Map.of("mesh.service", "a",
        "mesh.services.orders.endpoints", "x:1", "mesh.services.payments.endpoints", "y:1",
        "mesh.services.payments.timeout", "1s"));
    MeshConfig after = load(Map.of("mesh.service", "a",
        "mesh.services.orders.endpoints", "x:1", "mesh.services.payments.endpoints", "y:1",
        "mesh.services.payments.timeout", "1s", "mesh.defaults.timeout", "3s"));

    assertThat(ConfigDiff.between(before, after, SCHEMA).servicesUpdated()).containsOnlyKeys("orders");
  }

  @Test
  void splitsGlobalKeysIntoLiveAndRestartAndIgnoresAKeySetToItsDefault() {
    MeshConfig before = load(Map.of("mesh.service", "a"));
    MeshConfig after = load(Map.of("mesh.service", "b", "mesh.locality.zone", "eu-1a", "mesh.config.watch", "true"));

    ConfigDiff diff = ConfigDiff.between(before, after, SCHEMA);

    assertThat(diff.liveGlobals()).containsExactly("mesh.locality.zone");
    assertThat(diff.restartRequired()).containsExactly("mesh.service");
    assertThat(diff.withoutRestartRequired().restartRequired()).isEmpty();
    assertThat(diff.withoutRestartRequired().liveGlobals()).containsExactly("mesh.locality.zone");
  }

  @Test
  void theSameFileLoadedTwiceIsNoChange() {
    Map<String, String> values = Map.of("mesh.service", "a", "mesh.services.orders.endpoints", "x:1",
        "mesh.services.orders.timeout", "2s", "mesh.locality.zone", "z");

    ConfigDiff diff = ConfigDiff.between(load(values), load(values), SCHEMA);

    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.describe()).containsExactly("no changes");
    assertThat(load(values)).isEqualTo(load(values));
  }

  @Test
  void keepingRunningValuesOfRestartKeysLeavesTheRestOfTheEdit() {
    MeshConfig running = load(Map.of("mesh.service", "a", "mesh.services.orders.endpoints", "x:1"));
    MeshConfig edited = load(Map.of("mesh.service", "b", "mesh.services.orders.endpoints", "x:2"));

    MeshConfig merged = edited.withGlobalsOf(running, ConfigDiff.between(running, edited, SCHEMA).restartRequired());

    assertThat(merged.service()).isEqualTo("a");
    assertThat(merged.services().get("orders").changedKeys(edited.services().get("orders"))).isEmpty();
  }
}
