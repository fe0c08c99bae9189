package io.mesh4j.discovery.etcd;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.ExternalProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node etcd (Debian's etcd-server) on 127.0.0.1 random ports with a temp data dir,
 * driven with the real etcdctl (etcd-client), as an operator or another tool would.
 */
final class EtcdServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private ExternalProcess process;
  private int starts;

  private EtcdServer(Path dir, int clientPort, int peerPort) {
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** Skips outside CI (fails in CI) when etcd or etcdctl is not installed. */
  static void require() {
    ExternalProcess.require("etcd", "etcd-server");
    ExternalProcess.require("etcdctl", "etcd-client");
  }

  static EtcdServer start(Path dir) throws IOException {
    require();
    EtcdServer server = new EtcdServer(dir, ExternalProcess.freePort(), ExternalProcess.freePort());
    server.startProcess();
    return server;
  }

  String url() {
    return "http://127.0.0.1:" + clientPort;
  }

  int port() {
    return clientPort;
  }

  private void startProcess() throws IOException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = List.of("etcd", "--name", "default", "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "default=" + peer, "--logger", "zap", "--log-level", "warn");
    process = ExternalProcess.start(command, dir.resolve("etcd-" + (++starts) + ".log"));
    process.awaitPort(clientPort, Duration.ofSeconds(30));
    // accepting connections is not serving yet: wait for a leader
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> run("endpoint", "health").exitCode() == 0);
  }

  /** SIGKILL: no goodbye to connected clients. */
  void kill() throws InterruptedException {
    process.process().destroyForcibly();
    process.process().waitFor(10, TimeUnit.SECONDS);
    process.close();
  }

  /** Starts again with the same data dir and ports (after {@link #kill()}). */
  void restart() throws IOException {
    startProcess();
  }

  boolean isRunning() {
    return process.process().isAlive();
  }

  // --- etcdctl, as any other tool writing the registry ---

  void put(String key, String value) throws IOException {
    etcdctl("put", key, "--", value);
  }

  void putEndpoint(String key, Endpoint endpoint) throws IOException {
    put(key, json(endpoint));
  }

  void delete(String key) throws IOException {
    etcdctl("del", key);
  }

  /** Keys under {@code prefix}, with their values. */
  Map<String, String> get(String prefix) throws IOException {
    String out = etcdctl("get", "--prefix", prefix);
    Map<String, String> kv = new LinkedHashMap<>();
    List<String> lines = out.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      kv.put(lines.get(i), lines.get(i + 1));
    }
    return kv;
  }

  /** The store's current revision. */
  long revision() throws IOException {
    String out = etcdctl("endpoint", "status", "-w", "json");
    return JSON.readTree(out).get(0).path("Status").path("header").path("revision").asLong();
  }

  void compact(long revision) throws IOException {
    etcdctl("compact", Long.toString(revision), "--physical");
  }

  /** Replaces the endpoints of a service in one transaction: the watch sees one change. */
  void replace(String servicePrefix, List<Endpoint> endpoints) throws IOException {
    List<String> ops = new ArrayList<>();
    Map<String, String> wanted = new LinkedHashMap<>();
    endpoints.forEach(e -> wanted.put(servicePrefix + e.authority(), json(e)));
    for (String key : get(servicePrefix).keySet()) {
      if (!wanted.containsKey(key)) {
        ops.add("del " + key);
      }
    }
    // etcdctl txn unquotes "..." as Go does; JSON string escaping is compatible with it
    wanted.forEach((key, value) -> ops.add("put " + key + " " + quote(value)));
    Path script = Files.createTempFile(dir, "txn", ".txt");
    // no compare, then the success ops, then no failure ops; each part ends with an empty line
    Files.writeString(script, "\n" + String.join("\n", ops) + "\n\n\n", StandardCharsets.UTF_8);
    Path out = Files.createTempFile(dir, "txn", ".out");
    Process p = new ProcessBuilder(etcdctlCommand(List.of("txn")))
        .redirectInput(script.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.readString(out).startsWith("SUCCESS")) {
        throw new AssertionError("etcdctl txn failed: " + Files.readString(out));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      p.destroyForcibly();
    }
  }

  /** Runs etcdctl against this server; fails with its output when it fails. */
  String etcdctl(String... args) throws IOException {
    ExternalProcess.Result r = run(args);
    if (r.exitCode() != 0) {
      throw new AssertionError("etcdctl " + String.join(" ", args) + " failed: " + r.describe());
    }
    return r.stdout();
  }

  private ExternalProcess.Result run(String... args) throws IOException {
    try {
      return ExternalProcess.run(etcdctlCommand(List.of(args)), dir, Duration.ofSeconds(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private List<String> etcdctlCommand(List<String> args) {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints", url(), "--dial-timeout", "2s",
        "--command-timeout", "5s"));
    command.addAll(args);
    return command;
  }

  static String json(Endpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", e.host());
    m.put("port", e.port());
    if (e.weight() != Endpoint.DEFAULT_WEIGHT) {
      m.put("weight", e.weight());
    }
    if (!e.locality().region().isEmpty()) {
      m.put("region", e.locality().region());
    }
    if (!e.locality().zone().isEmpty()) {
      m.put("zone", e.locality().zone());
    }
    if (!e.locality().subZone().isEmpty()) {
      m.put("sub-zone", e.locality().subZone());
    }
    if (e.priority() != 0) {
      m.put("priority", e.priority());
    }
    if (e.health() != io.mesh4j.discovery.EndpointHealth.HEALTHY) {
      m.put("health", e.health().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (!e.metadata().isEmpty()) {
      m.put("metadata", e.metadata());
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String quote(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      try {
        process.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
