package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code "mesh"} in {@code /actuator/info}: mesh4j version, service, trust domain, modules, services. */
public final class MeshInfoContributor implements InfoContributor {

  private static final String POM_PROPERTIES = "/META-INF/maven/io.mesh4j/mesh-core/pom.properties";

  private final MeshClient mesh;
  private final ClassLoader classLoader;

  public MeshInfoContributor(MeshClient mesh, ClassLoader classLoader) {
    this.mesh = mesh;
    this.classLoader = classLoader;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("version", version());
    info.put("service", mesh.config().service());
    info.put("trustDomain", mesh.config().trustDomain());
    info.put("modules", modules());
    if (TlsDetails.AVAILABLE) {
      TlsDetails.mode(mesh).ifPresent(mode -> info.put("tlsMode", mode));
    }
    info.put("services", new TreeSet<>(mesh.config().services().keySet()));
    builder.withDetail("mesh", info);
  }

  /** The modules the mesh found on the classpath, as it finds them (ServiceLoader). */
  private List<String> modules() {
    TreeSet<String> names = new TreeSet<>(List.of("mesh-core"));
    for (MeshModule module : ServiceLoader.load(MeshModule.class, classLoader)) {
      names.add(module.artifactId());
    }
    return List.copyOf(names);
  }

  /** mesh-core's version: the jar manifest's, else its Maven metadata, else "unknown" (classes run from a build directory). */
  static String version() {
    String v = MeshClient.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (InputStream in = MeshClient.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }
}
