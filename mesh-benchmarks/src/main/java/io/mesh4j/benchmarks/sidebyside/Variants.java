package io.mesh4j.benchmarks.sidebyside;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.SessionProtocol;
import io.mesh4j.MeshClient;
import io.mesh4j.benchmarks.AbsentModule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Builds the variants of the overhead ladder. Every one sends the same request ({@code GET
 * /items/42}) over HTTP/1.1 with keep-alive to the same nginx; every OkHttp-based one starts from
 * the same OkHttpClient settings ({@link #okhttp()}), Armeria from the closest it has.
 */
final class Variants {

  static final String RAW = "raw-okhttp";
  static final String MESH_CORE = "mesh-core";
  static final String MESH_ALL = "mesh-all";
  static final String RAW_MTLS = "raw-okhttp-mtls";
  static final String MESH_ALL_MTLS = "mesh-all-mtls";
  static final String HAPROXY_HOP = "haproxy-hop";
  static final String HAPROXY_MTLS_PAIR = "haproxy-mtls-pair";
  static final String ARMERIA = "armeria";

  static final List<String> NAMES =
      List.of(RAW, MESH_CORE, MESH_ALL, RAW_MTLS, MESH_ALL_MTLS, HAPROXY_HOP, HAPROXY_MTLS_PAIR, ARMERIA);

  static final String PATH = "/items/42";
  /**
   * Idle connections each OkHttp client keeps: the size of the pool mesh-core sends through
   * (MeshRuntime's fixed ConnectionPool(32, 5 min), whatever the wrapped client's), so every
   * variant keeps as many. Fewer than the open loop's 64 workers: after a burst, each client closes
   * the same surplus and reopens it on the next one ({@code extra.backendConnectionsOpened}).
   */
  static final int POOL_SIZE = 32;
  private static final String SERVICE = Pki.SERVER_SERVICE;

  private final Backends backends;
  private final Pki pki;
  private final Path dir;
  private final ProcessHandle nginx;

  Variants(Backends backends, Pki pki, Path dir) throws IOException {
    this.backends = backends;
    this.pki = pki;
    this.dir = dir;
    this.nginx = backends.process();
  }

  /** Why {@code name} cannot run on this machine, or null. */
  static String unavailableReason(String name) {
    return name.startsWith("haproxy-") ? Haproxy.unavailableReason() : null;
  }

  Variant create(String name) throws Exception {
    return switch (name) {
      case RAW -> rawOkhttp();
      case MESH_CORE -> mesh(name, meshCore(backends.plainPorts()), backends.plainPorts(), RAW, null);
      case MESH_ALL -> mesh(name, meshAll(backends.plainPorts()), backends.plainPorts(), RAW, null);
      case RAW_MTLS -> rawOkhttpMtls();
      case MESH_ALL_MTLS -> mesh(name, meshAllMtls(), backends.mtlsPorts(), RAW_MTLS,
          "plain JSSE mTLS from OkHttp to the same mTLS server blocks");
      case HAPROXY_HOP -> haproxyHop();
      case HAPROXY_MTLS_PAIR -> haproxyMtlsPair();
      case ARMERIA -> armeria();
      default -> throw new IllegalArgumentException("unknown variant " + name);
    };
  }

  /** The settings every OkHttp-based variant shares: HTTP/1.1, one pool size, keep-alive. */
  static OkHttpClient.Builder okhttp() {
    return new OkHttpClient.Builder()
        .protocols(List.of(Protocol.HTTP_1_1))
        .connectionPool(new ConnectionPool(POOL_SIZE, 5, TimeUnit.MINUTES));
  }

  private Variant rawOkhttp() {
    OkHttpClient client = okhttp().build();
    return new Variant(RAW, null, null, rotating(client, urls("http", backends.plainPorts())),
        backends.plainPorts(), List.of(nginx), List.of(() -> shutdown(client)));
  }

  private Variant rawOkhttpMtls() throws Exception {
    SSLContext context = pki.clientContext();
    OkHttpClient client = okhttp().sslSocketFactory(context.getSocketFactory(), pki.trustManager()).build();
    return new Variant(RAW_MTLS, RAW, "what plain JSSE mTLS costs over plaintext",
        rotating(client, urls("https", backends.mtlsPorts())), backends.mtlsPorts(), List.of(nginx),
        List.of(() -> shutdown(client)));
  }

  private Variant mesh(String name, MeshClient mesh, List<Integer> ports, String baseline, String note)
      throws Exception {
    OkHttpClient base = okhttp().build();
    OkHttpClient client = mesh.wrap(base);
    Request request = new Request.Builder().url("http://" + SERVICE + PATH).build();
    return new Variant(name, baseline, note, () -> call(client, request), ports, List.of(nginx),
        List.of(() -> shutdown(base), mesh));
  }

  /** mesh-core's pipeline alone: resilience and tracing kept out, TLS off. */
  private static MeshClient meshCore(List<Integer> ports) {
    return meshBuilder(ports)
        .property("mesh.tls.mode", "disabled")
        .module(AbsentModule.resilience())
        .module(AbsentModule.of("mesh-tracing"))
        .build();
  }

  /** Every module as a user gets them: resilience defaults, tracing with the global (no-op) OpenTelemetry. */
  private static MeshClient meshAll(List<Integer> ports) {
    return meshBuilder(ports).property("mesh.tls.mode", "disabled").build();
  }

  /** As {@link #meshAll}, with mTLS from the same PEM files as the other mTLS variants. */
  private MeshClient meshAllMtls() {
    return meshBuilder(backends.mtlsPorts())
        .property("mesh.tls.source", "files")
        .property("mesh.tls.files.cert", pki.clientCert().toString())
        .property("mesh.tls.files.key", pki.clientKey().toString())
        .property("mesh.tls.files.bundle", pki.bundle().toString())
        .build();
  }

  /** Configured in code only: blind to this machine's environment, -D flags and dev CA. */
  private static MeshClient.Builder meshBuilder(List<Integer> ports) {
    return MeshClient.builder()
        .service(Pki.CLIENT_SERVICE)
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.services." + SERVICE + ".endpoints",
            ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
  }

  private Variant haproxyHop() throws Exception {
    Haproxy proxy = Haproxy.plainHop(dir.resolve("haproxy-hop"), backends.plainPorts());
    OkHttpClient client = okhttp().build();
    return new Variant(HAPROXY_HOP, RAW, null, rotating(client, urls("http", List.of(proxy.port()))),
        backends.plainPorts(), List.of(nginx, proxy.process()), List.of(proxy, () -> shutdown(client)));
  }

  private Variant haproxyMtlsPair() throws Exception {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Haproxy server = Haproxy.tlsTermination(dir.resolve("haproxy-server"), pki, backends.plainPorts());
      resources.add(server);
      Haproxy client = Haproxy.tlsOrigination(dir.resolve("haproxy-client"), pki, server.port());
      resources.add(client);
      OkHttpClient http = okhttp().build();
      resources.add(() -> shutdown(http));
      return new Variant(HAPROXY_MTLS_PAIR, RAW,
          "raw-okhttp, not raw-okhttp-mtls: the application talks plaintext to its sidecar",
          rotating(http, urls("http", List.of(client.port()))), backends.plainPorts(),
          List.of(nginx, client.process(), server.process()), resources);
    } catch (Exception | Error e) {
      new Variant(HAPROXY_MTLS_PAIR, null, null, null, List.of(), List.of(), resources).close();
      throw e;
    }
  }

  /** Armeria's WebClient, HTTP/1.1 cleartext, with its own client-side round robin over the backends. */
  private Variant armeria() {
    // idle connections kept as long as the others keep theirs (Armeria's default closes them after 10 s)
    ClientFactory factory = ClientFactory.builder().idleTimeoutMillis(TimeUnit.MINUTES.toMillis(10)).build();
    EndpointGroup group =
        EndpointGroup.of(backends.plainPorts().stream().map(p -> Endpoint.of("127.0.0.1", p)).toList());
    WebClient client = WebClient.builder(SessionProtocol.H1C, group).factory(factory).build();
    Variant.Call call = () -> {
      AggregatedHttpResponse response = client.get(PATH).aggregate().join();
      if (response.status().code() != 200) {
        throw new IOException("HTTP " + response.status().code());
      }
      response.content().length();
    };
    return new Variant(ARMERIA, RAW, null, call, backends.plainPorts(), List.of(nginx),
        List.of(factory::close, group::close));
  }

  private static List<Request> urls(String scheme, List<Integer> ports) {
    return ports.stream().map(p -> new Request.Builder().url(scheme + "://127.0.0.1:" + p + PATH).build()).toList();
  }

  /** Rotates over {@code requests}, one per call, as a client balancing round robin itself would. */
  private static Variant.Call rotating(OkHttpClient client, List<Request> requests) {
    Request[] all = requests.toArray(new Request[0]);
    AtomicInteger next = new AtomicInteger();
    return () -> call(client, all[Math.floorMod(next.getAndIncrement(), all.length)]);
  }

  private static void call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("HTTP " + response.code());
      }
      response.body().bytes();
    }
  }

  private static void shutdown(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
