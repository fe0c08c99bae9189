package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

  @Test
  void alwaysHoldsServiceAndTrustDomain() {
    ConfigSchema schema = ConfigSchema.builder().build();

    assertThat(schema.globalKey("mesh.service")).contains(MeshConfig.SERVICE);
    assertThat(schema.globalKey("mesh.trust-domain")).contains(MeshConfig.TRUST_DOMAIN);
  }

  @Test
  void sameKeyTwiceOrAnIdenticalDefinitionKeepsTheFirst() {
    ConfigKey<Duration> a = ConfigKey.service("timeout", ValueParsers.positiveDuration()).build();
    ConfigKey<Duration> b = ConfigKey.service("timeout", ValueParsers.positiveDuration()).build();

    ConfigSchema schema = ConfigSchema.builder().serviceKey(a).serviceKey(a).serviceKey(b).build();

    assertThat(schema.serviceKey("timeout")).containsSame(a);
    assertThat(schema.serviceKeys()).hasSize(1);
  }

  @Test
  void differentDefinitionsOfOneNameFailAtBuild() {
    ConfigSchema.Builder b = ConfigSchema.builder()
        .serviceKey(ConfigKey.service("timeout", ValueParsers.positiveDuration()).build())
        .serviceKey(ConfigKey.service("timeout", ValueParsers.positiveDuration()).required().build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("timeout");
  }

  @Test
  void keyOfTheWrongScopeOrInTheServiceNamespaceIsRejected() {
    assertThatThrownBy(() -> ConfigSchema.builder().globalKey(TestSchemas.TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigSchema.builder()
            .globalKey(ConfigKey.global("mesh.defaults.timeout", ValueParsers.string()).build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hintsMatchKeysOfAbsentModulesIncludingDefaults() {
    ConfigSchema schema = TestSchemas.SCHEMA;

    assertThat(schema.requiredModule("mesh.tls.dev-ca.dir")).contains("mesh-tls");
    assertThat(schema.requiredModule("mesh.services.orders.retry.max-attempts")).contains("mesh-resilience");
    assertThat(schema.requiredModule("mesh.defaults.retry.max-attempts")).contains("mesh-resilience");
    assertThat(schema.requiredModule("mesh.tlsx")).isEmpty();
    assertThat(schema.requiredModule("mesh.services.orders.timeout")).isEmpty();
  }

  @Test
  void hintIsDroppedWhenTheModulesKeysAreRegistered() {
    ConfigSchema schema = ConfigSchema.builder()
        .globalKey(ConfigKey.global("mesh.tls.mode", ValueParsers.oneOf("strict", "disabled")).build())
        .moduleHint("mesh.tls.*", "mesh-tls")
        .build();

    assertThat(schema.requiredModule("mesh.tls.mdoe")).isEmpty();
  }
}
