package io.mesh4j.benchmarks.scenarios;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesh4j.MeshClient;
import io.mesh4j.event.SvidStatusChanged;
import io.mesh4j.testing.NginxProcess;
import io.mesh4j.testing.tls.TestCa;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * The mTLS scenarios of issue 13 against a real nginx that requires a client certificate
 * ({@code ssl_verify_client on}), certificates from mesh-testing's {@link TestCa}:
 *
 * <ul>
 *   <li>{@code mtls-handshake}: a new connection per request (no idle connection kept, and
 *       {@code Connection: close}), to a port where nginx resumes TLS 1.3 sessions (tickets) and to
 *       one where it cannot (tickets and cache off): full vs resumed handshakes, mesh-tls (a
 *       MeshClient with every module) vs plain JSSE mTLS (OkHttp with the JDK's managers). Counts
 *       only when nginx's {@code $ssl_session_reused} agrees.
 *   <li>{@code mtls-rotation}: a closed loop through a MeshClient (files source) while the SVID
 *       files are replaced every few seconds; throughput per second, errors, and the client serials
 *       nginx saw per 5 s window and on new connections.
 * </ul>
 *
 * <p>{@code --rounds N --round-seconds S --out DIR --smoke --threads T --rotation-seconds S
 * --rotate-every S --only handshake|rotation}.
 */
public final class MtlsScenarios {

  static final String TD = "example.org";
  static final String ORDERS = "spiffe://example.org/orders";
  static final String FRONTEND = "spiffe://example.org/frontend";
  static final List<String> HANDSHAKE_VARIANTS = List.of("jsse-full", "mesh-full", "jsse-resumed", "mesh-resumed");

  /** $msec $server_port $ssl_client_serial $ssl_session_reused $connection $connection_requests $status $http_x_tag */
  static final int LOG_FIELDS = 8;

  private final ScenarioOptions options;
  private final String[] args;
  private final Path dir;
  private final TestCa ca = TestCa.root(TD);
  private final TestCa.Issued client = ca.svid(FRONTEND);
  private final Path bundle;
  private final Path certFile;
  private final Path keyFile;

  private MtlsScenarios(ScenarioOptions options, String[] args) throws IOException {
    this.options = options;
    this.args = args;
    this.dir = Files.createTempDirectory("mesh4j-mtls-scenarios");
    this.bundle = ca.writeCertificatePem(dir.resolve("bundle.pem"));
    this.certFile = dir.resolve("svid.pem");
    this.keyFile = dir.resolve("svid_key.pem");
    client.writePem(certFile, keyFile);
  }

  public static void main(String[] args) throws Exception {
    ScenarioOptions options = ScenarioOptions.parse(args, 5, 5);
    MtlsScenarios s = new MtlsScenarios(options, args);
    String only = options.text("only", "all");
    // The server's SVID also carries an IP SAN, so JSSE's host name check passes for 127.0.0.1
    // (mesh-tls checks the URI SAN); both clients see the same certificate.
    TestCa.Issued server = s.ca.leaf().uris(ORDERS).ipAddresses("127.0.0.1").issue();
    Path prefix = s.dir.resolve("nginx");
    Files.createDirectories(prefix);
    server.writePem(prefix.resolve("server.pem"), prefix.resolve("server-key.pem"));
    Files.copy(s.bundle, prefix.resolve("bundle.pem"), StandardCopyOption.REPLACE_EXISTING);
    try (NginxBackends nginx = NginxBackends.start(prefix, 2, LOG_FIELDS, MtlsScenarios::conf)) {
      if (!only.equals("rotation")) {
        s.handshake(nginx);
      }
      if (!only.equals("handshake")) {
        s.rotation(nginx);
      }
    } finally {
      NginxBackends.deleteRecursively(s.dir);
    }
  }

  /** Port 0 resumes (session tickets, nginx's default); port 1 never does (tickets and cache off). */
  static String conf(List<Integer> ports) {
    String common = """
              ssl_protocols TLSv1.3;
              ssl_certificate server.pem;
              ssl_certificate_key server-key.pem;
              ssl_verify_client on;
              ssl_client_certificate bundle.pem;
              ssl_verify_depth 2;
              keepalive_requests 100000;
              location / {
                default_type text/plain;
                return 200 "ok\\n";
              }
        """;
    return NginxProcess.conf("""
          log_format mtls '$msec $server_port $ssl_client_serial $ssl_session_reused $connection $connection_requests $status $http_x_tag';
          access_log logs/access.log mtls;
          server {
            listen 127.0.0.1:%d ssl;
        %s
          }
          server {
            listen 127.0.0.1:%d ssl;
            ssl_session_tickets off;
            ssl_session_cache off;
        %s
          }
        """.formatted(ports.get(0), common, ports.get(1), common));
  }

  // ---------------------------------------------------------------- mtls-handshake

  private void handshake(NginxBackends nginx) throws Exception {
    ResultFile result = new ResultFile("mtls-handshake", MtlsScenarios.class, args);
    int threads = options.intOption("threads", 1, 1);
    double warmup = options.smoke() ? 0.5 : 3;
    ObjectNode settings = result.settings();
    settings.put("threads", threads);
    settings.put("rounds", options.rounds());
    settings.put("roundSeconds", options.roundSeconds());
    settings.put("warmupSeconds", warmup);
    settings.put("connection", "new connection per request: ConnectionPool(0 idle) and Connection: close");
    settings.put("server", "nginx " + "TLSv1.3 ssl_verify_client on; full = ssl_session_tickets off + ssl_session_cache off");
    boolean noDelay = !options.text("tcp-nodelay", "true").equals("false");
    settings.put("tcpNoDelay", noDelay);
    settings.put("smoke", options.smoke());

    int resumedPort = nginx.ports().get(0);
    int fullPort = nginx.ports().get(1);
    SSLContext jsse = jsseContext();
    X509TrustManager jsseTrust = jsseTrust();
    OkHttpClient jsseClient = new OkHttpClient.Builder()
        .sslSocketFactory(jsse.getSocketFactory(), jsseTrust)
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .socketFactory(noDelay ? new NoDelaySocketFactory() : javax.net.SocketFactory.getDefault())
        .build();
    try (MeshClient mesh = meshBuilder()
        .property("mesh.services.orders-full.endpoints", "127.0.0.1:" + fullPort)
        .property("mesh.services.orders-full.identity", ORDERS)
        .property("mesh.services.orders-resumed.endpoints", "127.0.0.1:" + resumedPort)
        .property("mesh.services.orders-resumed.identity", ORDERS)
        .build()) {
      OkHttpClient meshClient = mesh.wrap(new OkHttpClient.Builder()
          .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
          .socketFactory(noDelay ? new NoDelaySocketFactory() : javax.net.SocketFactory.getDefault())
          .build());
      Map<String, Load.Target> targets = new LinkedHashMap<>();
      targets.put("jsse-full", new Load.Target(jsseClient, "https://127.0.0.1:" + fullPort + "/"));
      targets.put("mesh-full", new Load.Target(meshClient, "http://orders-full/"));
      targets.put("jsse-resumed", new Load.Target(jsseClient, "https://127.0.0.1:" + resumedPort + "/"));
      targets.put("mesh-resumed", new Load.Target(meshClient, "http://orders-resumed/"));
      for (Map.Entry<String, Load.Target> t : targets.entrySet()) {
        Load.run(t.getValue(), threads, warmup, "warmup-" + t.getKey(), true);
      }
      for (int round = 1; round <= options.rounds(); round++) {
        // rotate the order each round so that no variant always runs first
        List<String> order = new ArrayList<>(HANDSHAKE_VARIANTS);
        java.util.Collections.rotate(order, round - 1);
        for (String variant : order) {
          String tag = variant + "-r" + round;
          long nginxCpu0 = nginx.cpuNanos();
          Load.Outcome o = Load.run(targets.get(variant), threads, options.roundSeconds(), tag, true);
          long nginxCpu = nginx.cpuNanos() - nginxCpu0;
          List<String[]> lines = nginx.awaitLines(f -> f[7].equals(tag), o.requests());
          long reused = lines.stream().filter(f -> f[3].equals("r")).count();
          long newConnections = lines.stream().filter(f -> f[5].equals("1")).count();
          boolean wantsResumed = variant.endsWith("resumed");
          double reusedShare = lines.isEmpty() ? 0 : (double) reused / lines.size();
          boolean agrees = lines.size() == o.requests() && newConnections == lines.size()
              && (wantsResumed ? reusedShare >= 0.9 : reused == 0);
          ObjectNode sample = o.toSample(result, variant, round, "closed", nginxCpu);
          ObjectNode extra = sample.putObject("extra");
          extra.put("serverRequests", lines.size());
          extra.put("serverNewConnections", newConnections);
          extra.put("serverResumed", reused);
          extra.put("serverResumedShare", ResultFile.round(reusedShare));
          extra.put("nginxAgrees", agrees);
          extra.put("nginxCpuNanosPerConnection", o.requests() == 0 ? 0 : ResultFile.round((double) nginxCpu / o.requests()));
          if (!agrees) {
            System.out.printf("WARNING %s round %d: nginx disagrees (%d requests, %d logged, %d new connections, %d resumed)%n",
                variant, round, o.requests(), lines.size(), newConnections, reused);
          }
        }
      }
      Load.shutdown(meshClient);
    } finally {
      Load.shutdown(jsseClient);
    }
    result.summarize("jsse-full", "closed", null);
    result.summarize("mesh-full", "closed", "jsse-full");
    result.summarize("jsse-resumed", "closed", "jsse-full");
    result.summarize("mesh-resumed", "closed", "jsse-resumed");
    Path file = result.write(options.out());
    Tables.print("mtls-handshake (new connection per request; latency = connect + handshake + request)", result, file);
  }

  // ---------------------------------------------------------------- mtls-rotation

  private void rotation(NginxBackends nginx) throws Exception {
    ResultFile result = new ResultFile("mtls-rotation", MtlsScenarios.class, args);
    int threads = options.intOption("threads", 4, 2);
    double seconds = Double.parseDouble(options.text("rotation-seconds", options.smoke() ? "4" : "35"));
    double every = Double.parseDouble(options.text("rotate-every", options.smoke() ? "1.5" : "10"));
    ObjectNode settings = result.settings();
    settings.put("threads", threads);
    settings.put("seconds", seconds);
    settings.put("rotateEverySeconds", every);
    settings.put("source", "files (mesh.tls.files.*, poll-interval 200ms), files replaced by renames");
    settings.put("connection", "keep-alive (OkHttp's default pool)");
    settings.put("smoke", options.smoke());
    int port = nginx.ports().get(0);
    CopyOnWriteArrayList<long[]> pickups = new CopyOnWriteArrayList<>(); // {wall millis, index in serials}
    List<String> serials = new CopyOnWriteArrayList<>();
    serials.add(client.leaf().getSerialNumber().toString(16));
    AtomicReference<String> current = new AtomicReference<>(serials.get(0));
    try (MeshClient mesh = meshBuilder()
        .property("mesh.tls.files.poll-interval", "200ms")
        .property("mesh.services.orders.endpoints", "127.0.0.1:" + port)
        .build()) {
      mesh.events().subscribe(SvidStatusChanged.class, e -> {
        String serial = new BigInteger(e.serialHex(), 16).toString(16);
        if (!serial.equals(current.get())) {
          current.set(serial);
          pickups.add(new long[] {System.currentTimeMillis(), serials.indexOf(serial)});
        }
      });
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Load.run(new Load.Target(http, "http://orders/"), threads, options.smoke() ? 0.5 : 3, "warmup-rotation", false);
      // a run without rotation first, same length and load: the control for the rotating run's figures
      for (boolean rotate : new boolean[] {false, true}) {
        String prefix = rotate ? "rot-" : "steady-";
        String variant = rotate ? "mesh-mtls-rotating" : "mesh-mtls-steady";
        List<long[]> writes = new ArrayList<>(); // {wall millis, serial index}
        long nginxCpu0 = nginx.cpuNanos();
        long startWall = System.currentTimeMillis();
        Load.Target target = new Load.Target(http, "http://orders/", () -> prefix + "gen-" + current.get());
        Load.Outcome o;
        try (Load.Background load = Load.background(target, threads, seconds)) {
          long start = System.nanoTime();
          for (int k = 1; rotate && (k * every) < seconds; k++) {
            long at = start + (long) (k * every * 1e9);
            while (System.nanoTime() < at) {
              Thread.sleep(Math.max(1, (at - System.nanoTime()) / 1_000_000)); // pacing, not waiting for a condition
            }
            TestCa.Issued next = ca.svid(FRONTEND);
            serials.add(next.leaf().getSerialNumber().toString(16));
            writes.add(new long[] {System.currentTimeMillis(), serials.size() - 1});
            atomicWrite(keyFile, next.privateKeyPem());
            atomicWrite(certFile, next.certificatePem());
          }
          o = load.await();
        }
        long nginxCpu = nginx.cpuNanos() - nginxCpu0;
        List<String[]> lines = nginx.awaitLines(f -> f[7].startsWith(prefix), o.requests());
        ObjectNode sample = o.toSample(result, variant, 1, "closed", nginxCpu);
        ObjectNode extra = sample.putObject("extra");
        ArrayNode perSecond = extra.putArray("throughputPerSecond");
        for (long n : o.perSecond()) {
          perSecond.add(n);
        }
        extra.put("serverRequests", lines.size());
        // new connections whose client certificate was not the SVID the client had picked up
        // before sending (header X-Tag gen-<serial>): must be 0
        long stale = 0;
        long newConnections = 0;
        long ahead = 0;
        for (String[] f : lines) {
          if (f[5].equals("1")) {
            newConnections++;
            int had = serials.indexOf(f[7].substring(prefix.length() + "gen-".length()));
            int presented = serials.indexOf(normalize(f[2]));
            if (presented < had) {
              stale++;
            } else if (presented > had) {
              ahead++;
            }
          }
        }
        extra.put("serverNewConnections", newConnections);
        extra.put("newConnectionsWithAnOlderSerial", stale);
        // the key manager switches before the client's event listener hears of it
        extra.put("newConnectionsWithANewerSerialThanTheEventSaid", ahead);
        ArrayNode rotations = extra.putArray("rotations");
        for (long[] w : writes) {
          String serial = serials.get((int) w[1]);
          ObjectNode r = rotations.addObject();
          r.put("filesWrittenAtSecond", ResultFile.round((w[0] - startWall) / 1000.0));
          r.put("serial", serial);
          pickups.stream().filter(p -> p[1] == w[1]).findFirst()
              .ifPresent(p -> r.put("pickedUpAfterMs", p[0] - w[0]));
          lines.stream().filter(f -> normalize(f[2]).equals(serial)).mapToLong(f -> millis(f[0])).min()
              .ifPresent(t -> r.put("firstSeenByNginxAfterMs", t - w[0]));
          String previous = serials.get((int) w[1] - 1);
          lines.stream().filter(f -> normalize(f[2]).equals(previous)).mapToLong(f -> millis(f[0])).max()
              .ifPresent(t -> r.put("previousSerialLastSeenAfterMs", t - w[0]));
        }
        ArrayNode windows = extra.putArray("serialsPer5s");
        Map<Long, Map<String, long[]>> byWindow = new TreeMap<>();
        for (String[] f : lines) {
          long window = (millis(f[0]) - startWall) / 5000;
          long[] c = byWindow.computeIfAbsent(window, w -> new TreeMap<>()).computeIfAbsent(normalize(f[2]), s -> new long[2]);
          c[0]++;
          if (f[5].equals("1")) {
            c[1]++;
          }
        }
        byWindow.forEach((w, bySerial) -> {
          ObjectNode n = windows.addObject();
          n.put("fromSecond", w * 5);
          ObjectNode s = n.putObject("requestsBySerial");
          ObjectNode c = n.putObject("newConnectionsBySerial");
          bySerial.forEach((serial, counts) -> {
            s.put(serial, counts[0]);
            c.put(serial, counts[1]);
          });
        });
      }
      Load.shutdown(http);
    }
    result.summarize("mesh-mtls-steady", "closed", null);
    result.summarize("mesh-mtls-rotating", "closed", "mesh-mtls-steady");
    Path file = result.write(options.out());
    Tables.print("mtls-rotation (closed loop while the SVID files rotate)", result, file);
    Tables.printRotation(result);
  }

  private static String normalize(String serialHex) {
    return serialHex.equals("-") ? "-" : new BigInteger(serialHex, 16).toString(16);
  }

  private static long millis(String msec) {
    return Math.round(Double.parseDouble(msec) * 1000);
  }

  private MeshClient.Builder meshBuilder() {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.trust-domain", TD)
        .property("mesh.tls.source", "files")
        .property("mesh.tls.files.cert", certFile.toString())
        .property("mesh.tls.files.key", keyFile.toString())
        .property("mesh.tls.files.bundle", bundle.toString());
  }

  private SSLContext jsseContext() throws Exception {
    char[] password = "bench".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("svid", client.privateKey(), password, client.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {jsseTrust()}, null);
    return context;
  }

  private X509TrustManager jsseTrust() throws Exception {
    KeyStore roots = KeyStore.getInstance("PKCS12");
    roots.load(null, null);
    roots.setCertificateEntry("root", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(roots);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  private void atomicWrite(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(dir, "tmp", ".pem");
    Files.writeString(tmp, text);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
