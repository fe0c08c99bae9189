package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.config.MeshConfigException;
import org.junit.jupiter.api.Test;

/**
 * "Requires module X" comes from what jars declare in META-INF/mesh4j/modules.properties, not from
 * names in core's code: mesh4j's own modules and a third-party family (declared in this module's
 * test resources) alike.
 */
class ModuleCatalogTest {

  @Test
  void keysOfAnAbsentMesh4jModuleNameItsArtifact() {
    assertThatThrownBy(() -> TestMesh.builder()
            .property("mesh.services.orders.endpoints", "127.0.0.1:1")
            .property("mesh.services.orders.dns.name", "orders.example.org")
            .property("mesh.services.orders.discovery", "etcd")
            .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.dns.name=orders.example.org (MeshClient.Builder): requires module mesh-discovery")
        .hasMessageContaining("discovery provider 'etcd' requires module mesh-discovery");
  }

  @Test
  void aThirdPartyFamilyDeclaresItsOwnKeysProvidersAndPolicies() {
    assertThatThrownBy(() -> TestMesh.builder()
            .property("mesh.services.orders.endpoints", "127.0.0.1:1")
            .property("mesh.vault.address", "https://vault:8200")
            .property("mesh.services.orders.discovery", "consul")
            .property("mesh.services.payments.lb", "acme-latency")
            .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.vault.address=https://vault:8200 (MeshClient.Builder): requires module acme-mesh-vault (add com.acme:acme-mesh-vault to the classpath)")
        .hasMessageContaining("discovery provider 'consul' requires module acme-mesh-vault (add com.acme:acme-mesh-vault to the classpath)")
        .hasMessageContaining("load-balancing policy 'acme-latency' requires module acme-mesh-vault (add com.acme:acme-mesh-vault to the classpath)");
  }
}
