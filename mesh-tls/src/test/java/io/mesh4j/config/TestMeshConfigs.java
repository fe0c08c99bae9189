package io.mesh4j.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link MeshConfig} from already-parsed values for mesh-tls tests. It lives in mesh-core's
 * package because MeshConfig's constructor is package-private; the properties loader on main will
 * replace it.
 */
public final class TestMeshConfigs {

  private TestMeshConfigs() {}

  /**
   * @param globals raw text by full key name, parsed with each key's parser
   * @param services raw text by service name, then by relative key name
   */
  public static MeshConfig of(
      List<ConfigKey<?>> globalKeys, List<ConfigKey<?>> serviceKeys,
      Map<String, String> globals, Map<String, Map<String, String>> services) {
    Map<String, Object> g = new HashMap<>();
    List<ConfigKey<?>> all = new java.util.ArrayList<>(globalKeys);
    all.add(MeshConfig.SERVICE);
    all.add(MeshConfig.TRUST_DOMAIN);
    globals.forEach((k, v) -> g.put(k, find(all, k).parser().parse(v)));
    Map<String, ServiceConfig> s = new HashMap<>();
    services.forEach(
        (name, values) -> {
          Map<String, Object> parsed = new HashMap<>();
          values.forEach((k, v) -> parsed.put(k, find(serviceKeys, k).parser().parse(v)));
          s.put(name, new ServiceConfig(name, parsed, Map.of()));
        });
    return new MeshConfig(g, s);
  }

  private static ConfigKey<?> find(List<ConfigKey<?>> keys, String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown key " + name));
  }
}
