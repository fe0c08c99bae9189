package io.mesh4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * nginx serving plaintext HTTP only (no {@code ssl}) on several ports: a backend not migrated to
 * mTLS, as seen from a mesh that was not told. Its access log records {@code $server_port
 * $status} per request, including the 400 it answers to a TLS ClientHello, so a test counts what
 * reached each port.
 */
public final class PlainNginx implements AutoCloseable {

  private final NginxProcess nginx;

  private PlainNginx(NginxProcess nginx) {
    this.nginx = nginx;
  }

  /** Starts nginx in {@code prefix} listening on {@code count} free ports; skips without nginx (fails on CI). */
  public static PlainNginx start(Path prefix, int count) throws Exception {
    return new PlainNginx(NginxProcess.start(prefix, count, PlainNginx::conf));
  }

  static String conf(List<Integer> ports) {
    String listen = ports.stream().map(p -> "    listen 127.0.0.1:" + p + ";").collect(Collectors.joining("\n"));
    return NginxProcess.conf("""
          log_format plain '$server_port $status';
          access_log logs/access.log plain;
          server {
        %s
            location / {
              default_type text/plain;
              return 200 "plain\\n";
            }
          }
        """.formatted(listen));
  }

  public List<Integer> ports() {
    return nginx.ports();
  }

  /** The statuses nginx logged, one "port status" string per request, in log order. */
  public List<String> accessLog() throws IOException {
    Path log = nginx.file("logs/access.log");
    return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.split(" ").length == 2).toList() : List.of();
  }

  @Override
  public void close() throws InterruptedException {
    nginx.close();
  }
}
