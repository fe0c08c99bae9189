package io.mesh4j.tls;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.TransportSecurity;
import io.mesh4j.tls.internal.AllowedIdentities;
import io.mesh4j.tls.internal.MaxConnectionAgeInterceptor;
import io.mesh4j.tls.internal.MeshTransportSecurity;
import io.mesh4j.tls.internal.PeerIdentityInterceptor;
import io.mesh4j.tls.internal.PeerVerifiers;
import io.mesh4j.tls.internal.SvidEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import okhttp3.Interceptor;

/**
 * What mesh-tls contributes to one MeshClient: the certificate source, the rotating TLS contexts,
 * the transport security of mesh routes (one socket factory, one verifier per service and set of
 * allowed identities), the network interceptors that re-check every request's peer and retire old
 * connections, and {@link io.mesh4j.event.SvidStatusChanged} events. Services are followed live:
 * whether a request uses mTLS and which server identities it accepts come from the request's
 * service snapshot, never from the configuration the client started with. Its {@link
 * #server(CallerPolicy)} serves with the same SVID.
 */
public final class MeshTlsExtension implements MeshExtension {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MeshTlsExtension.class);

  private final MeshContext context;
  private final TlsMode mode; // mesh.tls.mode needs a restart: the running value
  private final X509Source source;
  private final MeshTls tls;
  private final AllowedIdentities identities;
  private final PeerVerifiers verifiers;
  private final List<Interceptor> interceptors;
  private final MeshTransportSecurity transportSecurity;
  private final SvidEvents svidEvents; // null when TLS is disabled
  private volatile boolean closed;
  private final java.util.concurrent.ExecutorService sourceThread; // null unless the source polls files

  private MeshTlsExtension(MeshContext context, X509Source source, java.util.concurrent.ExecutorService sourceThread) {
    this.context = context;
    this.sourceThread = sourceThread;
    MeshConfig config = context.config();
    this.mode = config.get(TlsModule.MODE);
    this.source = source;
    this.tls = source == null ? null : MeshTls.builder(source)
        .minVersion(config.get(TlsModule.MIN_VERSION))
        .handshakeTimeout(config.get(TlsModule.HANDSHAKE_TIMEOUT))
        .clock(context.clock())
        .build();
    this.identities = new AllowedIdentities(TlsModule.IDENTITY, () -> TrustDomain.parse(context.config().trustDomain()));
    this.verifiers = new PeerVerifiers(context::service, identities::of);
    this.interceptors = tls == null ? List.of() : List.of(
        new PeerIdentityInterceptor(verifiers::current, tls.spiffeTrustManager(), source::bundles),
        new MaxConnectionAgeInterceptor(maxConnectionAge(config), context.clock()));
    this.transportSecurity = new MeshTransportSecurity(tls, TlsModule.SERVICE_MODE, verifiers);
    this.svidEvents = source == null ? null : SvidEvents.start(source, context.events());
  }

  /** Starts the configured source and TLS (nothing when {@code mesh.tls.mode=disabled}). */
  public static MeshTlsExtension start(MeshContext context) {
    MeshConfig config = context.config();
    if (config.get(TlsModule.MODE) == TlsMode.DISABLED) {
      log.warn("mTLS is disabled (mesh.tls.mode=disabled): mesh routes are called over plaintext HTTP, "
          + "unauthenticated and unencrypted, although mesh-tls is on the class path");
      return new MeshTlsExtension(context, null, null);
    }
    io.mesh4j.tls.internal.JdkVersionGuard.check();
    // Polling files (reads plus chain validation) gets a thread of its own, so a slow file system
    // cannot delay the request deadlines and discovery work on the client's shared scheduler.
    java.util.concurrent.ScheduledExecutorService filesThread =
        config.get(TlsModule.SOURCE).equals("files")
            ? java.util.concurrent.Executors.newSingleThreadScheduledExecutor(context.threadFactory("tls-files"))
            : null;
    X509Source source;
    try {
      source = startSource(context, filesThread);
    } catch (RuntimeException e) {
      if (filesThread != null) {
        filesThread.shutdownNow();
      }
      throw e;
    }
    try {
      MeshTlsExtension ext = new MeshTlsExtension(context, source, filesThread);
      ext.logStartup();
      return ext;
    } catch (RuntimeException e) {
      source.close();
      if (filesThread != null) {
        filesThread.shutdownNow();
      }
      throw e;
    }
  }

  /**
   * One INFO line per client start: mTLS is on because mesh-tls is on the class path, which
   * services it secures, and the exact keys for a plaintext backend, so a user who only added the
   * jar sees why calls to a plain-HTTP backend fail.
   */
  private void logStartup() {
    MeshConfig config = context.config();
    log.info(startupLine(config, mode, source.svid().spiffeId(), transportSecurity::securesService));
    // files and workload-api hand out whatever identity they were given: say when it is not ours
    SpiffeId expected = SpiffeId.of(TrustDomain.parse(config.trustDomain()), config.service());
    if (!source.svid().spiffeId().equals(expected)) {
      log.warn("this workload is mesh.service={} but its SVID is {} (expected {}): callers and servers"
              + " will see {}; check mesh.tls.{} or mesh.service",
          config.service(), source.svid().spiffeId(), expected, source.svid().spiffeId(),
          config.get(TlsModule.SOURCE));
    }
  }

  /** The startup line (a function of the configuration, so tests can read it exactly). */
  static String startupLine(MeshConfig config, TlsMode mode, SpiffeId self,
      java.util.function.Predicate<ServiceConfig> secured) {
    List<String> tls = new java.util.ArrayList<>();
    List<String> plaintext = new java.util.ArrayList<>();
    for (ServiceConfig s : config.services().values()) {
      (secured.test(s) ? tls : plaintext).add(s.name());
    }
    java.util.Collections.sort(tls);
    java.util.Collections.sort(plaintext);
    return "mesh-tls is on the class path: calls to mesh services use mTLS (mesh.tls.mode=" + mode.text() + ") as "
        + self + "; over mTLS: " + (tls.isEmpty() ? "none configured yet" : String.join(", ", tls))
        + (plaintext.isEmpty() ? "" : "; over plaintext (tls.mode=disabled): " + String.join(", ", plaintext))
        + ". A plaintext backend needs mesh.services.<name>.tls.mode=disabled, or mesh.tls.mode=disabled for all";
  }

  private static X509Source startSource(
      MeshContext context, java.util.concurrent.ScheduledExecutorService filesThread) {
    MeshConfig c = context.config();
    TrustDomain td = TrustDomain.parse(c.trustDomain());
    switch (c.get(TlsModule.SOURCE)) {
      case "files":
        // Messages name each file by its key: mesh.tls.files.cert=/x.pem: file not found (all at once).
        return io.mesh4j.tls.internal.FilesSource.start(
            Path.of(c.get(TlsModule.FILES_CERT)), Path.of(c.get(TlsModule.FILES_KEY)),
            Path.of(c.get(TlsModule.FILES_BUNDLE)),
            List.of(TlsModule.FILES_CERT.name(), TlsModule.FILES_KEY.name(), TlsModule.FILES_BUNDLE.name()),
            td, c.get(TlsModule.FILES_POLL_INTERVAL), filesThread, context.clock());
      case "workload-api":
        String socket = c.isSet(TlsModule.WORKLOAD_API_SOCKET)
            ? c.get(TlsModule.WORKLOAD_API_SOCKET) : System.getenv("SPIFFE_ENDPOINT_SOCKET");
        return X509Sources.workloadApi(socket, c.get(TlsModule.WORKLOAD_API_TIMEOUT), context.clock());
      default:
        return X509Sources.devCa(
            devCaDir(c), SpiffeId.of(td, c.service()), c.get(TlsModule.SVID_TTL), context.scheduler(), context.clock());
    }
  }

  /** {@code mesh.tls.dev-ca.dir}, else the per-user default ({@link io.mesh4j.tls.internal.DevCaLocation}). */
  static Path devCaDir(MeshConfig c) {
    if (!c.isSet(TlsModule.DEV_CA_DIR)) {
      return io.mesh4j.tls.internal.DevCaLocation.defaultDir();
    }
    Path dir = Path.of(c.get(TlsModule.DEV_CA_DIR));
    if (!dir.isAbsolute()) {
      log.warn("{}={} is relative: it resolves against this process's working directory ({}), so processes"
              + " started from other directories will not trust this one; use an absolute path, or leave the key"
              + " unset for the per-user default", TlsModule.DEV_CA_DIR.name(), dir, dir.toAbsolutePath());
    }
    return dir.toAbsolutePath();
  }

  static Duration maxConnectionAge(MeshConfig c) {
    Duration age = c.get(TlsModule.MAX_CONNECTION_AGE);
    if (!c.isSet(TlsModule.MAX_CONNECTION_AGE) && c.get(TlsModule.SOURCE).equals("dev-ca")) {
      Duration half = c.get(TlsModule.SVID_TTL).dividedBy(2);
      return half.compareTo(age) < 0 ? half : age;
    }
    return age;
  }

  /**
   * The SPIFFE IDs the servers of {@code service} may present now, from its current snapshot: its
   * {@code identity} when set; else the valid IDs discovery gives ({@link
   * io.mesh4j.discovery.ServiceAttributes#PEER_IDENTITIES}); else {@code
   * spiffe://<trust-domain>/<service>}. Empty for a service the mesh does not route now (no
   * request goes to it through the mesh, so no server of it is accepted).
   */
  public Set<SpiffeId> allowedIdentities(String service) {
    return context.service(service).map(identities::of).orElse(Set.of());
  }

  /**
   * True when requests to {@code service} starting now use mTLS: TLS is on ({@code mesh.tls.mode}
   * not {@code disabled}) and the service's {@code tls.mode} (itself, or {@code
   * mesh.defaults.tls.mode}) is not {@code disabled}. False for a service the mesh does not route
   * now: the mesh does not call it, so nothing secures it.
   */
  public boolean securesService(String service) {
    return context.service(service).map(transportSecurity::securesService).orElse(false);
  }

  /** The services that have a cached verifier now (a removed service's is dropped). */
  Set<String> cachedVerifiers() {
    return verifiers.cachedServices();
  }

  @Override
  public void onServiceRemoved(ServiceConfig last) {
    // Requests still in flight get a verifier of their own from their snapshot (PeerVerifiers).
    verifiers.remove(last.name());
    identities.forget(last.name());
  }

  @Override
  public void onServiceUpdated(ServiceConfig previous, ServiceConfig current) {
    // The verifier follows lazily (the next request's snapshot); say what changes for plaintext.
    boolean was = transportSecurity.securesService(previous);
    boolean now = transportSecurity.securesService(current);
    if (was != now) {
      log.info("service '{}' is now called over {} (mesh.services.{}.tls.mode={}); pooled connections of the "
              + "other scheme are not reused", current.name(), now ? "mTLS" : "plaintext HTTP", current.name(),
          now ? "strict" : "disabled");
    }
  }

  public TlsMode mode() {
    return mode;
  }

  /** The certificate source; empty when TLS is disabled. */
  public Optional<X509Source> source() {
    return Optional.ofNullable(source);
  }

  /** The rotating TLS contexts; empty when TLS is disabled. */
  public Optional<MeshTls> tls() {
    return Optional.ofNullable(tls);
  }

  /** A server using this client's SVID that accepts callers {@code policy} allows. */
  public MeshTlsServer server(CallerPolicy policy) {
    if (tls == null) {
      throw new IllegalStateException("mesh.tls.mode=disabled: there is no TLS to serve with");
    }
    return MeshTlsServer.create(tls, policy);
  }

  @Override
  public Optional<TransportSecurity> transportSecurity() {
    return Optional.of(transportSecurity);
  }

  @Override
  public List<Interceptor> networkInterceptors() {
    return interceptors;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (svidEvents != null) {
      svidEvents.close();
    }
    if (tls != null) {
      tls.close();
    }
    if (source != null) {
      source.close();
    }
    if (sourceThread != null) {
      sourceThread.shutdownNow();
      try {
        sourceThread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
