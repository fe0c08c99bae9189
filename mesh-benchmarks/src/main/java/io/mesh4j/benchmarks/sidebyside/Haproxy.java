package io.mesh4j.benchmarks.sidebyside;

import io.mesh4j.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A local HAProxy 2.x in the foreground ({@code -db}), configured from a file in its own
 * directory, listening on a free loopback port: mode http, keep-alive on both sides with idle
 * timeouts longer than any run, round robin over its servers. Its thread count is HAProxy's
 * default (one per core), as a sidecar would run it.
 */
final class Haproxy implements AutoCloseable {

  static final String BINARY = "haproxy";

  private final ExternalProcess process;
  private final int port;

  private Haproxy(ExternalProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Why HAProxy cannot run here, or null when it can. */
  static String unavailableReason() {
    return ExternalProcess.onPath(BINARY) || ExternalProcess.onPath("/usr/sbin/haproxy")
        ? null
        : "haproxy not installed (Debian package haproxy; side-by-side.sh installs it as root)";
  }

  /** Plain HTTP in, plain HTTP out to {@code backendPorts}: a sidecar hop without TLS. */
  static Haproxy plainHop(Path dir, List<Integer> backendPorts) throws Exception {
    return start(dir, "", servers(backendPorts, ""));
  }

  /** Plain HTTP in, TLS 1.3 out with the client certificate to {@code serverPort}: the client-side sidecar. */
  static Haproxy tlsOrigination(Path dir, Pki pki, int serverPort) throws Exception {
    String tls = " ssl crt " + pki.clientCombined() + " ca-file " + pki.bundle()
        + " verify required ssl-min-ver TLSv1.3";
    return start(dir, "", servers(List.of(serverPort), tls));
  }

  /** TLS 1.3 in, verifying the client certificate, plain HTTP out to {@code backendPorts}: the server-side sidecar. */
  static Haproxy tlsTermination(Path dir, Pki pki, List<Integer> backendPorts) throws Exception {
    String bind = " ssl crt " + pki.serverCombined() + " ca-file " + pki.bundle()
        + " verify required ssl-min-ver TLSv1.3";
    return start(dir, bind, servers(backendPorts, ""));
  }

  private static String servers(List<Integer> ports, String options) {
    return IntStream.range(0, ports.size())
        .mapToObj(i -> "  server s" + i + " 127.0.0.1:" + ports.get(i) + options)
        .collect(Collectors.joining("\n"));
  }

  private static Haproxy start(Path dir, String bindOptions, String servers) throws Exception {
    Files.createDirectories(dir);
    for (int attempt = 1; ; attempt++) {
      int port = ExternalProcess.freePort();
      Path conf = dir.resolve("haproxy.cfg");
      Files.writeString(conf, """
          global
            maxconn 8000
          defaults
            mode http
            option http-keep-alive
            timeout connect 5s
            timeout client 600s
            timeout server 600s
            timeout http-keep-alive 600s
            http-reuse safe
          frontend in
            bind 127.0.0.1:%d%s
            default_backend out
          backend out
            balance roundrobin
          %s
          """.formatted(port, bindOptions, servers));
      ExternalProcess p = ExternalProcess.start(
          List.of(binary(), "-db", "-f", conf.toString()), dir.resolve("haproxy.log"));
      try {
        p.awaitPort(port, Duration.ofSeconds(10));
        return new Haproxy(p, port);
      } catch (AssertionError e) {
        String output = p.output();
        p.close();
        // the free port may have been taken between finding and binding it: try another
        if (attempt < 3 && output.contains("cannot bind")) {
          continue;
        }
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  private static String binary() {
    return ExternalProcess.onPath(BINARY) ? BINARY : "/usr/sbin/haproxy";
  }

  int port() {
    return port;
  }

  ProcessHandle process() {
    return process.process().toHandle();
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
