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
import java.time.Duration;
import java.util.List;

/**
 * The mesh-tls module: SPIFFE mutual TLS for mesh routes (found by ServiceLoader). Declares the
 * {@code mesh.tls.*} keys and the per-service {@code identity} key, checks the rules between them
 * and starts a {@link MeshTlsExtension} per client.
 */
public final class TlsModule implements MeshModule {

  public static final ConfigKey<TlsMode> MODE =
      ConfigKey.global("mesh.tls.mode", ValueParsers.of("strict, permissive or disabled", TlsMode::parse))
          .defaultValue(TlsMode.STRICT)
          .description("strict: mTLS on mesh routes; permissive: servers accept plaintext too; disabled: no TLS.")
          .build();

  public static final ConfigKey<String> SOURCE =
      ConfigKey.global("mesh.tls.source", ValueParsers.oneOf("dev-ca", "files", "workload-api"))
          .defaultValue("dev-ca")
          .description("Where the SVID comes from: the embedded dev-ca, PEM files, or the SPIFFE Workload API.")
          .build();

  public static final ConfigKey<String> DEV_CA_DIR =
      ConfigKey.global("mesh.tls.dev-ca.dir", ValueParsers.nonEmpty())
          .defaultValue(".mesh/ca")
          .description("Directory of the dev CA (ca.pem public, ca-key.pem 0600), shared by local processes.")
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

  /** Per service: the SPIFFE IDs its servers may have. Default {@code spiffe://<trust-domain>/<service>}. */
  public static final ConfigKey<List<SpiffeId>> IDENTITY =
      ConfigKey.service("identity", ValueParsers.list(spiffeIdParser()))
          .description("Allowed SPIFFE IDs of the service's servers (comma-separated); default spiffe://<trust-domain>/<service>.")
          .build();

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
        WORKLOAD_API_SOCKET, WORKLOAD_API_TIMEOUT, MIN_VERSION, MAX_CONNECTION_AGE);
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(IDENTITY);
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
        problems.add(new ConfigProblem(MAX_CONNECTION_AGE.name(), config.get(MAX_CONNECTION_AGE).toString(), null,
            "must not exceed mesh.tls.svid-ttl (" + config.get(SVID_TTL)
                + "), or connections would outlive the certificate they were opened with"));
      }
      for (ServiceConfig s : config.services().values()) {
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
          problems.add(new ConfigProblem(k.name(), String.valueOf(config.get(k)), null,
              "only used when mesh.tls.source=" + wanted + " (it is " + source + ")"));
        }
      }
    }
  }
}
