package io.mesh4j.tls;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.tls.internal.ConfigText;
import java.time.Duration;
import java.util.List;

/**
 * The mesh-tls module: SPIFFE mutual TLS for mesh routes (found by ServiceLoader). Declares the
 * {@code mesh.tls.*} keys and the per-service {@code identity} and {@code tls.mode} keys, checks the rules between them
 * and starts a {@link MeshTlsExtension} per client.
 */
public final class TlsModule implements MeshModule {

  public static final ConfigKey<TlsMode> MODE =
      ConfigKey.global("mesh.tls.mode", ValueParsers.of("strict, permissive or disabled", TlsMode::parse))
          .defaultValue(TlsMode.STRICT)
          .description("strict: mTLS on mesh routes; permissive: servers accept plaintext too; disabled: no TLS.")
          .build();

  public static final ConfigKey<String> SOURCE =
      ConfigKey.global("mesh.tls.source", ValueParsers.of("one of dev-ca, files, workload-api", TlsModule::parseSource))
          .defaultValue("dev-ca")
          .description("Where the SVID comes from: the embedded dev-ca, PEM files, or the SPIFFE Workload API.")
          .build();

  public static final ConfigKey<String> DEV_CA_DIR =
      ConfigKey.global("mesh.tls.dev-ca.dir", ValueParsers.nonEmpty())
          .description("Directory of the dev CA (ca.pem public, ca-key.pem 0600); default ~/.mesh4j/dev-ca, the same"
              + " for every process of the user whatever its working directory. Processes that call each other"
              + " need the same directory.")
          .build();

  public static final ConfigKey<Duration> SVID_TTL =
      ConfigKey.global("mesh.tls.svid-ttl", ValueParsers.duration(Duration.ofSeconds(1)))
          .defaultValue(Duration.ofHours(1))
          .description("Lifetime of SVIDs the dev-ca issues; they are re-issued at half-life.")
          .build();

  public static final ConfigKey<String> FILES_CERT =
      ConfigKey.global("mesh.tls.files.cert", ValueParsers.nonEmpty())
          .description("files source: the SVID certificate chain (PEM, leaf first).")
          .build();

  public static final ConfigKey<String> FILES_KEY =
      ConfigKey.global("mesh.tls.files.key", ValueParsers.nonEmpty())
          .description("files source: the SVID's private key (PKCS#8 PEM, EC or RSA).")
          .build();

  public static final ConfigKey<String> FILES_BUNDLE =
      ConfigKey.global("mesh.tls.files.bundle", ValueParsers.nonEmpty())
          .description("files source: the trust bundle (PEM CA certificates) of mesh.trust-domain.")
          .build();

  public static final ConfigKey<Duration> FILES_POLL_INTERVAL =
      ConfigKey.global("mesh.tls.files.poll-interval", ValueParsers.duration(Duration.ofMillis(10)))
          .defaultValue(Duration.ofSeconds(1))
          .description("files source: how often the files are checked for changes.")
          .build();

  public static final ConfigKey<String> WORKLOAD_API_SOCKET =
      ConfigKey.global("mesh.tls.workload-api.socket", ValueParsers.nonEmpty())
          .description("workload-api source: unix:/path of the agent socket; default SPIFFE_ENDPOINT_SOCKET.")
          .build();

  public static final ConfigKey<Duration> WORKLOAD_API_TIMEOUT =
      ConfigKey.global("mesh.tls.workload-api.init-timeout", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(10))
          .description("workload-api source: how long startup waits for the first SVID.")
          .build();

  public static final ConfigKey<Duration> HANDSHAKE_TIMEOUT =
      ConfigKey.global("mesh.tls.handshake-timeout", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofMillis(750))
          .description("Longest wait for each answer of the server in a client TLS handshake (capped by the read "
              + "timeout); then a plaintext HTTP server is told from a hung one by a 250 ms probe, so a plaintext "
              + "backend fails within about 1 s with a TlsMismatchException.")
          .build();

  public static final ConfigKey<MinTlsVersion> MIN_VERSION =
      ConfigKey.global("mesh.tls.min-version", ValueParsers.of("1.3 or 1.2", MinTlsVersion::parse))
          .defaultValue(MinTlsVersion.TLS_1_3)
          .description("Lowest TLS version; 1.2 allows only ECDHE AEAD cipher suites.")
          .build();

  public static final ConfigKey<Duration> MAX_CONNECTION_AGE =
      ConfigKey.global("mesh.tls.max-connection-age", ValueParsers.duration(Duration.ofSeconds(1)))
          .defaultValue(Duration.ofMinutes(30))
          .description("Pooled mesh connections older than this serve one last request, then close; "
              + "with dev-ca, when not set, at most half of mesh.tls.svid-ttl.")
          .build();

  /**
   * Per service: the SPIFFE IDs its servers may have. When not set: the valid IDs discovery gives
   * ({@link io.mesh4j.discovery.ServiceAttributes#PEER_IDENTITIES}), else {@code
   * spiffe://<trust-domain>/<service>}. Live: the next request uses the new value.
   */
  public static final ConfigKey<List<SpiffeId>> IDENTITY =
      ConfigKey.service("identity", ValueParsers.list(spiffeIdParser()))
          .description("Allowed SPIFFE IDs of the service's servers (comma-separated); default: the IDs discovery "
              + "gives for the service, else spiffe://<trust-domain>/<service>.")
          .build();

  /**
   * Per service: {@code strict} (the default while mesh.tls.mode is strict or permissive) calls it
   * over mTLS, {@code disabled} over plaintext HTTP. There is no per-service {@code permissive}: a
   * client cannot half-use TLS, and falling back to plaintext after a failed handshake would let
   * anyone on the path downgrade the call.
   */
  public static final ConfigKey<TlsMode> SERVICE_MODE =
      ConfigKey.service("tls.mode", ValueParsers.of("strict or disabled", TlsModule::parseServiceMode))
          .description("strict: call this service over mTLS (the default unless mesh.tls.mode=disabled); "
              + "disabled: call it over plaintext HTTP, e.g. while it is migrated to mTLS.")
          .build();

  static String parseSource(String s) {
    List<String> choices = List.of("dev-ca", "files", "workload-api");
    String v = s.trim();
    if (!choices.contains(v)) {
      throw new IllegalArgumentException(ConfigText.unknown("unknown source", s, choices));
    }
    return v;
  }

  static TlsMode parseServiceMode(String s) {
    if (s.trim().equals(TlsMode.PERMISSIVE.text())) {
      throw new IllegalArgumentException("'permissive' is a server-side mode (mesh.tls.mode); a client calls a "
          + "service either over mTLS or over plaintext, it never falls back from one to the other");
    }
    try {
      return TlsMode.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ConfigText.unknown("unknown TLS mode", s, List.of("strict", "disabled")), e);
    }
  }

  static ValueParser<SpiffeId> spiffeIdParser() {
    return ValueParsers.of(
        "a SPIFFE ID like spiffe://example.org/orders",
        s -> {
          SpiffeId id = SpiffeId.parse(s);
          if (!id.hasPath()) {
            throw new IllegalArgumentException("a workload SPIFFE ID needs a path, not only the trust domain");
          }
          return id;
        });
  }

  @Override
  public String name() {
    return "tls";
  }

  @Override
  public String artifactId() {
    return "mesh-tls";
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return List.of(
        MODE, SOURCE, DEV_CA_DIR, SVID_TTL, FILES_CERT, FILES_KEY, FILES_BUNDLE, FILES_POLL_INTERVAL,
        WORKLOAD_API_SOCKET, WORKLOAD_API_TIMEOUT, HANDSHAKE_TIMEOUT, MIN_VERSION, MAX_CONNECTION_AGE);
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(IDENTITY, SERVICE_MODE);
  }

  @Override
  public void validate(MeshConfig config, List<ConfigProblem> problems) {
    new TlsConfigRules(config, problems, System.getenv("SPIFFE_ENDPOINT_SOCKET")).check();
  }

  @Override
  public MeshExtension create(MeshContext context) {
    return MeshTlsExtension.start(context);
  }

  /** The rules between keys that single-key parsing cannot check. */
  static final class TlsConfigRules {
    private final MeshConfig config;
    private final List<ConfigProblem> problems;
    private final String socketEnv;

    TlsConfigRules(MeshConfig config, List<ConfigProblem> problems, String socketEnv) {
      this.config = config;
      this.problems = problems;
      this.socketEnv = socketEnv;
    }

    void check() {
      String source = config.get(SOURCE);
      boolean enabled = config.get(MODE) != TlsMode.DISABLED;
      if (enabled && source.equals("files")) {
        for (ConfigKey<String> k : List.of(FILES_CERT, FILES_KEY, FILES_BUNDLE)) {
          if (!config.isSet(k)) {
            problems.add(new ConfigProblem(k.name(), null, null,
                "required when mesh.tls.source=files (the files source needs cert, key and bundle)"));
          }
        }
      }
      onlyFor(source, "files", FILES_CERT, FILES_KEY, FILES_BUNDLE, FILES_POLL_INTERVAL);
      onlyFor(source, "dev-ca", DEV_CA_DIR, SVID_TTL);
      onlyFor(source, "workload-api", WORKLOAD_API_SOCKET, WORKLOAD_API_TIMEOUT);
      if (enabled && source.equals("workload-api") && !config.isSet(WORKLOAD_API_SOCKET)
          && (socketEnv == null || socketEnv.isBlank())) {
        problems.add(new ConfigProblem(WORKLOAD_API_SOCKET.name(), null, null,
            "required when mesh.tls.source=workload-api and SPIFFE_ENDPOINT_SOCKET is not set"));
      }
      if (config.isSet(MAX_CONNECTION_AGE) && source.equals("dev-ca")
          && config.get(MAX_CONNECTION_AGE).compareTo(config.get(SVID_TTL)) > 0) {
        problems.add(new ConfigProblem(MAX_CONNECTION_AGE.name(), ConfigText.duration(config.get(MAX_CONNECTION_AGE)), null,
            "must not exceed mesh.tls.svid-ttl (" + ConfigText.duration(config.get(SVID_TTL))
                + "), or connections would outlive the certificate they were opened with"));
      }
      for (ServiceConfig s : config.services().values()) {
        if (!enabled && s.isSet(SERVICE_MODE) && s.get(SERVICE_MODE) == TlsMode.STRICT) {
          problems.add(new ConfigProblem("mesh.services." + s.name() + "." + SERVICE_MODE.name(), "strict", null,
              "needs mesh.tls.mode=strict or permissive (it is disabled, so there is no TLS to call the service with)"));
        }
        if (s.isSet(IDENTITY) && s.get(IDENTITY).isEmpty()) {
          problems.add(new ConfigProblem("mesh.services." + s.name() + ".identity", "", null,
              "at least one SPIFFE ID is needed"));
        }
      }
    }

    private void onlyFor(String source, String wanted, ConfigKey<?>... keys) {
      if (source.equals(wanted)) {
        return;
      }
      for (ConfigKey<?> k : keys) {
        if (config.isSet(k)) {
          problems.add(new ConfigProblem(k.name(), ConfigText.value(config.get(k)), null,
              "only used when mesh.tls.source=" + wanted + " (it is " + source + ")"));
        }
      }
    }
  }
}
