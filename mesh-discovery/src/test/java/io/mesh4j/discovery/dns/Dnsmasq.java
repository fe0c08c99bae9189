package io.mesh4j.discovery.dns;

import io.mesh4j.testing.ExternalProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real dnsmasq for tests, on 127.0.0.1 at a random high port, answering only from what the
 * test gives it: records on its command line ({@code --srv-host}, {@code --host-record}) and a
 * hosts file in a directory it watches ({@code --hostsdir}, re-read on change without a restart).
 * Names under {@link #DOMAIN} are local ({@code --local}): an unknown one is NXDOMAIN, not a
 * forward; any other name is REFUSED (no upstream). Every record has the TTL given at start
 * ({@code --local-ttl}). Command-line records change only with a {@link #restart}, on the same port.
 */
final class Dnsmasq implements AutoCloseable {

  static final String DOMAIN = "mesh.test";

  private final Path dir;
  private final Path hostsDir;
  private final int port;
  private final int ttlSeconds;
  private List<String> records;
  private ExternalProcess process;
  private int generation;

  private Dnsmasq(Path dir, int ttlSeconds, List<String> records) throws IOException {
    this.dir = dir;
    this.hostsDir = Files.createDirectories(dir.resolve("hosts.d"));
    this.port = ExternalProcess.freePort();
    this.ttlSeconds = ttlSeconds;
    this.records = List.copyOf(records);
  }

  /** Skips outside CI (fails in CI) when dnsmasq is not installed. */
  static void require() {
    ExternalProcess.require("dnsmasq", "dnsmasq");
  }

  /**
   * Starts dnsmasq with these command-line records ({@link #srv}, {@link #hostRecord}), this TTL
   * for every record, and these lines ({@code address name}) in its watched hosts file.
   */
  static Dnsmasq start(Path dir, int ttlSeconds, List<String> records, String... hosts) throws Exception {
    require();
    Dnsmasq d = new Dnsmasq(dir, ttlSeconds, records);
    d.setHosts(hosts);
    d.launch();
    return d;
  }

  /** An SRV record of {@code name} pointing at {@code target}. */
  static String srv(String name, String target, int port, int priority, int weight) {
    return "--srv-host=" + name + "," + target + "," + port + "," + priority + "," + weight;
  }

  /** An A (or AAAA) record given on the command line. */
  static String hostRecord(String name, String address) {
    return "--host-record=" + name + "," + address;
  }

  /** The value for {@code mesh.discovery.dns.servers}. */
  String server() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /**
   * Replaces the watched hosts file ({@code address name} lines): written beside, then moved in
   * whole, so dnsmasq never reads half of it.
   */
  void setHosts(String... lines) throws IOException {
    Path tmp = dir.resolve("hosts.tmp");
    Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, hostsDir.resolve("hosts"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Stops dnsmasq: its port then answers nothing (ICMP port unreachable). */
  void stop() throws InterruptedException {
    if (process != null) {
      process.close();
      process = null;
    }
  }

  /** Starts it again on the same port, with these command-line records. */
  void restart(List<String> newRecords) throws Exception {
    stop();
    records = List.copyOf(newRecords);
    launch();
  }

  /** Starts it again on the same port with its current records. */
  void restart() throws Exception {
    restart(records);
  }

  /** How many queries of this type for this name this server received (all its runs). */
  int queries(String type, String name) throws IOException {
    Pattern p = Pattern.compile("query\\[" + Pattern.quote(type) + "\\] " + Pattern.quote(name) + " from ");
    int n = 0;
    for (int g = 1; g <= generation; g++) {
      Path log = dir.resolve("dnsmasq-" + g + ".log");
      if (Files.exists(log)) {
        Matcher m = p.matcher(Files.readString(log, StandardCharsets.UTF_8));
        while (m.find()) {
          n++;
        }
      }
    }
    return n;
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("dnsmasq-" + generation + ".log"), StandardCharsets.UTF_8);
  }

  private void launch() throws Exception {
    List<String> command = new ArrayList<>(List.of(
        "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=",
        "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + port,
        "--user=" + System.getProperty("user.name"), "--local=/" + DOMAIN + "/",
        "--local-ttl=" + ttlSeconds, "--hostsdir=" + hostsDir, "--log-facility=-", "--log-queries"));
    command.addAll(records);
    generation++;
    process = ExternalProcess.start(command, dir.resolve("dnsmasq-" + generation + ".log"))
        .awaitPort(port, Duration.ofSeconds(10));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
