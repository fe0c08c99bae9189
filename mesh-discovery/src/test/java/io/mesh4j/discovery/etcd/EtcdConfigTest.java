package io.mesh4j.discovery.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.config.MeshConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad etcd and registration settings fail startup with a message naming the key and what is expected. */
class EtcdConfigTest {

  private static Map<String, String> etcdService(String... more) {
    Map<String, String> p = new HashMap<>();
    p.put("mesh.services.orders.discovery", "etcd");
    for (int i = 0; i + 1 < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private static String startupError(Map<String, String> properties) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Meshes.start("frontend", properties).close());
    assertThat(t).isInstanceOf(MeshConfigException.class);
    return t.getMessage();
  }

  @Test
  void discoveryEtcdWithoutEndpointsFailsStartupNamingTheKeyAndTheServices() {
    Map<String, String> p = etcdService("mesh.services.payments.discovery", "etcd");
    assertThat(startupError(p))
        .contains("mesh.discovery.etcd.endpoints")
        .contains("discovery=etcd (services orders, payments)")
        .contains("http://127.0.0.1:2379");
  }

  @Test
  void registrationWithoutAnAddressOrEtcdEndpointsFailsStartupNamingBoth() {
    String message = startupError(Map.of("mesh.register.enabled", "true"));
    assertThat(message).contains("mesh.register.address").contains("required when mesh.register.enabled=true");
    assertThat(message).contains("mesh.discovery.etcd.endpoints").contains("required by mesh.register.enabled=true");
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlWithAPortIsRefused() {
    assertThat(startupError(etcdService("mesh.discovery.etcd.endpoints", "127.0.0.1:2379")))
        .contains("mesh.discovery.etcd.endpoints").contains("not an http:// or https:// URL");
    assertThat(startupError(etcdService("mesh.discovery.etcd.endpoints", "http://etcd")))
        .contains("no port").contains("http://etcd:2379");
    assertThat(startupError(etcdService("mesh.discovery.etcd.endpoints", "http://etcd:2379/v3")))
        .contains("only scheme://host:port");
    assertThat(startupError(etcdService("mesh.discovery.etcd.endpoints", "http://a:2379,,http://b:2379")))
        .contains("empty list item");
    assertThat(startupError(etcdService("mesh.discovery.etcd.endpoints", "http://a:2379,http://a:2379")))
        .contains("listed twice");
  }

  @Test
  void aPrefixMustEndWithASlash() {
    assertThat(startupError(etcdService("mesh.discovery.etcd.endpoints", "http://127.0.0.1:2379",
        "mesh.discovery.etcd.prefix", "/mesh4j/services")))
        .contains("mesh.discovery.etcd.prefix").contains("must end with '/'");
  }

  @Test
  void aLeaseTtlIsWholeSecondsFromTwoSeconds() {
    assertThat(startupError(Map.of("mesh.discovery.etcd.lease-ttl", "1500ms")))
        .contains("mesh.discovery.etcd.lease-ttl").contains("whole seconds");
    assertThat(startupError(Map.of("mesh.discovery.etcd.lease-ttl", "1s")))
        .contains("mesh.discovery.etcd.lease-ttl").contains("at least 2s");
  }

  @Test
  void aRegisteredAddressIsHostAndPort() {
    assertThat(startupError(Map.of("mesh.register.address", "10.0.0.5")))
        .contains("mesh.register.address").contains("has no port");
    assertThat(startupError(Map.of("mesh.register.address", "10.0.0.5:8080;zone=a")))
        .contains("mesh.register.address").contains("mesh.register.zone");
  }

  @Test
  void etcdKeysWithoutAnyServiceUsingEtcdAreAccepted() {
    try (MeshClient mesh = Meshes.start("frontend", Map.of(
        "mesh.discovery.etcd.endpoints", "http://127.0.0.1:2379", "mesh.services.orders.endpoints", "127.0.0.1:8080"))) {
      assertThat(mesh.config().services()).containsKey("orders");
    }
    assertThatThrownBy(() -> Meshes.start("frontend", Map.of("mesh.register.enabled", "maybe")).close())
        .isInstanceOf(MeshConfigException.class).hasMessageContaining("mesh.register.enabled");
  }
}
