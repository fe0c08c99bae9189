package io.mesh4j.xds.internal.bootstrap;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.xds.XdsKeys;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads this client's xDS bootstrap. Sources, first found wins: {@code mesh.xds.bootstrap}
 * (a file), {@code $GRPC_XDS_BOOTSTRAP} (a file), {@code $GRPC_XDS_BOOTSTRAP_CONFIG} (the JSON), else
 * {@code mesh.xds.server} with {@code mesh.xds.node-id}/{@code node-cluster}. Beside a bootstrap,
 * those keys override its server address (its channel_creds and server_features stay) and node
 * id/cluster: what the user wrote in the properties file wins, as everywhere in mesh4j.
 */
public final class XdsBootstrapLoader {

  private static final Logger log = LoggerFactory.getLogger(XdsBootstrapLoader.class);

  /** The user agent name sent in the node, where gRPC sends {@code gRPC Java}. */
  public static final String USER_AGENT_NAME = "mesh4j";

  /** A bootstrap is a few KiB; Istio's, with the pod's annotations, rarely reaches 100 KiB. */
  static final long MAX_BOOTSTRAP_BYTES = 1 << 20;

  private XdsBootstrapLoader() {}

  /**
   * @param env the environment to read {@code GRPC_XDS_BOOTSTRAP*} from ({@link System#getenv()} in production)
   * @throws MeshConfigException naming the key, environment variable or file, and the field that is wrong;
   *     or, with no source at all, every key and variable that could name one
   */
  public static XdsBootstrap load(MeshConfig config, Map<String, String> env) {
    return load(config, env, new BootstrapCache());
  }

  /**
   * Like {@link #load(MeshConfig, Map)}, but a bootstrap source read before through {@code cache}
   * is not read again: the {@code mesh.xds.*} keys and the environment are restart-only, so a
   * reload (or an overlay push) must not depend on the file still being there.
   */
  public static XdsBootstrap load(MeshConfig config, Map<String, String> env, BootstrapCache cache) {
    Source source = source(config, env);
    boolean serverKey = config.isSet(XdsKeys.SERVER);
    BootstrapContent content;
    String origin;
    if (source != null) {
      content = cache.get(source.cacheKey(), source::read);
      origin = source.origin();
    } else if (serverKey) {
      content = null;
      origin = XdsKeys.SERVER.name();
    } else {
      throw new MeshConfigException(List.of(new ConfigProblem(XdsKeys.SERVER.name(), null, null,
          "no xDS server is configured while a service uses discovery=xds: set " + XdsKeys.BOOTSTRAP.name()
              + "=/path/to/grpc-bootstrap.json, or the environment variable " + XdsKeys.ENV_BOOTSTRAP
              + " (a bootstrap file; Istio's grpc-agent template sets it) or " + XdsKeys.ENV_BOOTSTRAP_CONFIG
              + " (the bootstrap JSON), or " + XdsKeys.SERVER.name() + "=host:port with " + XdsKeys.NODE_ID.name())));
    }

    List<String> overrides = new ArrayList<>();
    String serverUri;
    XdsServerTarget target;
    String creds;
    CertificateProviderConfig tlsCreds;
    Set<String> features;
    if (serverKey) {
      serverUri = config.get(XdsKeys.SERVER);
      target = XdsServerTarget.parse(serverUri); // validated by the key's parser already
    } else {
      serverUri = content.serverUri();
      target = content.target();
    }
    if (content != null) {
      // the key moves the address only: dropping the bootstrap's tls creds would silently downgrade
      creds = content.channelCredentials();
      tlsCreds = content.tlsCredentials();
      features = content.serverFeatures();
      if (serverKey) {
        overrides.add(XdsKeys.SERVER.name());
        log.info("xDS: {} overrides the server address of {} ({} -> {}; its channel_creds {} and server_features"
            + " stay)", XdsKeys.SERVER.name(), origin, content.serverUri(), serverUri, creds);
      }
    } else {
      creds = XdsBootstrap.INSECURE;
      tlsCreds = null;
      features = Set.of();
    }

    Node.Builder node = content != null ? content.node().toBuilder() : Node.newBuilder();
    if (config.isSet(XdsKeys.NODE_ID)) {
      if (content != null) {
        overrides.add(XdsKeys.NODE_ID.name());
      }
      node.setId(config.get(XdsKeys.NODE_ID));
    } else if (node.getId().isEmpty()) {
      node.setId(config.service());
    }
    if (config.isSet(XdsKeys.NODE_CLUSTER)) {
      if (content != null) {
        overrides.add(XdsKeys.NODE_CLUSTER.name());
      }
      node.setCluster(config.get(XdsKeys.NODE_CLUSTER));
    } else if (node.getCluster().isEmpty()) {
      node.setCluster(config.service());
    }
    if (isEmpty(node.getLocality())) {
      io.mesh4j.discovery.Locality own = config.locality();
      Locality.Builder l = Locality.newBuilder();
      if (own.region() != null) {
        l.setRegion(own.region());
      }
      if (own.zone() != null) {
        l.setZone(own.zone());
      }
      if (own.subZone() != null) {
        l.setSubZone(own.subZone());
      }
      if (!isEmpty(l.build())) {
        node.setLocality(l);
      }
    }
    node.setUserAgentName(USER_AGENT_NAME).setUserAgentVersion(version());
    // no client_features: mesh4j honours priority overprovisioning (so not
    // envoy.lb.does_not_support_overprovisioning), and the ADS client decides on its own features

    for (String key : overrides) {
      origin = origin + " + " + key;
    }
    return new XdsBootstrap(serverUri, target, creds, tlsCreds, features, node.build(),
        content != null ? content.certificateProviders() : Map.of(), origin);
  }

  private static boolean isEmpty(Locality l) {
    return l.getRegion().isEmpty() && l.getZone().isEmpty() && l.getSubZone().isEmpty();
  }

  /** mesh-xds' version, from the pom.properties Maven writes into the jar; {@code dev} when run from classes. */
  static String version() {
    return VERSION;
  }

  private static final String VERSION = readVersion();

  private static String readVersion() {
    try (java.io.InputStream in =
        XdsBootstrapLoader.class.getResourceAsStream("/META-INF/maven/io.mesh4j/mesh-xds/pom.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank()) {
          return v.trim();
        }
      }
    } catch (IOException e) {
      log.debug("cannot read mesh-xds' version", e);
    }
    return "dev";
  }

  private static Source source(MeshConfig config, Map<String, String> env) {
    if (config.isSet(XdsKeys.BOOTSTRAP)) {
      Path file = config.get(XdsKeys.BOOTSTRAP);
      return new FileSource(file, XdsKeys.BOOTSTRAP.name() + "=" + file,
          message -> new ConfigProblem(XdsKeys.BOOTSTRAP.name(), file.toString(), null, message));
    }
    String path = env.get(XdsKeys.ENV_BOOTSTRAP);
    if (path != null && !path.isBlank()) {
      String where = "env " + XdsKeys.ENV_BOOTSTRAP + "=" + path;
      Path file;
      try {
        file = Path.of(path.trim()).toAbsolutePath().normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw new MeshConfigException(List.of(new ConfigProblem(null, null, where, "not a valid path: " + e.getReason())));
      }
      return new FileSource(file, "$" + XdsKeys.ENV_BOOTSTRAP + "=" + file,
          message -> new ConfigProblem(null, null, where, message));
    }
    String json = env.get(XdsKeys.ENV_BOOTSTRAP_CONFIG);
    if (json != null && !json.isBlank()) {
      String where = "env " + XdsKeys.ENV_BOOTSTRAP_CONFIG;
      return new JsonSource(json, "$" + XdsKeys.ENV_BOOTSTRAP_CONFIG,
          message -> new ConfigProblem(null, null, where, message));
    }
    return null;
  }

  private interface Source {
    String origin();

    /** What identifies the source's content: the file's path, or the JSON itself. */
    Object cacheKey();

    BootstrapContent read();
  }

  private interface Problems {
    ConfigProblem of(String message);
  }

  private record JsonSource(String json, String origin, Problems problems) implements Source {
    @Override
    public Object cacheKey() {
      return List.of("json", json);
    }

    @Override
    public BootstrapContent read() {
      try {
        return BootstrapJson.parse(json);
      } catch (BootstrapException e) {
        throw new MeshConfigException(
            e.problems().stream().map(p -> problems.of("xDS bootstrap JSON: " + p)).toList());
      }
    }
  }

  private record FileSource(Path file, String origin, Problems problems) implements Source {
    @Override
    public Object cacheKey() {
      return List.of("file", file);
    }

    @Override
    public BootstrapContent read() {
      String json;
      try {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
          // a FIFO or a device would block the reader or never end
          throw fail("xDS bootstrap file " + file + " is not a regular file");
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file)) {
          // at most one byte over the limit, whatever the file claims its size is
          bytes = in.readNBytes((int) MAX_BOOTSTRAP_BYTES + 1);
        }
        if (bytes.length > MAX_BOOTSTRAP_BYTES) {
          throw fail("xDS bootstrap file " + file + " is larger than " + MAX_BOOTSTRAP_BYTES + " bytes");
        }
        json = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes))
            .toString();
      } catch (NoSuchFileException e) {
        throw fail("xDS bootstrap file " + file + " does not exist (under Istio, istio-agent writes it when it"
            + " starts: annotate the pod with proxy.istio.io/config: '{\"holdApplicationUntilProxyStarts\": true}'"
            + " so that the application starts after it)");
      } catch (CharacterCodingException e) {
        throw fail("xDS bootstrap file " + file + " is not UTF-8 text");
      } catch (IOException e) {
        throw fail("cannot read the xDS bootstrap file " + file + ": " + e);
      }
      try {
        return BootstrapJson.parse(json);
      } catch (BootstrapException e) {
        throw new MeshConfigException(
            e.problems().stream().map(p -> problems.of("xDS bootstrap file " + file + ": " + p)).toList());
      }
    }

    private MeshConfigException fail(String message) {
      return new MeshConfigException(List.of(problems.of(message)));
    }
  }
}
