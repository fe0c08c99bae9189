package io.mesh4j.discovery.etcd;

import io.mesh4j.MeshClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** MeshClients as an application builds them, isolated from this JVM's environment. */
final class Meshes {

  private Meshes() {}

  static MeshClient start(String service, Map<String, String> properties) {
    MeshClient.Builder b = MeshClient.builder().service(service).environment(Map.of())
        .systemProperties(new Properties());
    properties.forEach(b::property);
    return b.build();
  }

  /** A client of {@code service} discovering it from etcd under {@code prefix}. */
  static Map<String, String> discovering(String etcdEndpoints, String prefix, String service) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("mesh.discovery.etcd.endpoints", etcdEndpoints);
    p.put("mesh.discovery.etcd.prefix", prefix);
    p.put("mesh.services." + service + ".discovery", "etcd");
    p.put("mesh.services." + service + ".lb", "round-robin");
    p.put("mesh.services." + service + ".timeout", "5s");
    return p;
  }
}
