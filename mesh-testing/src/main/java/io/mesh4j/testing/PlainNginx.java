package io.mesh4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * nginx serving plaintext HTTP only (no {@code ssl}) on several ports: a backend not migrated to
 * mTLS, as seen from a mesh that was not told. Its access log records {@code $server_port
 * $status} per request, including the 400 it answers to a TLS ClientHello, so a test counts what
 * reached each port.
 */
public final class PlainNginx implements AutoCloseable {

  private final Path prefix;
  private final ExternalProcess process;
  private final List<Integer> ports;

  private PlainNginx(Path prefix, ExternalProcess process, List<Integer> ports) {
    this.prefix = prefix;
    this.process = process;
    this.ports = ports;
  }

  /** Starts nginx in {@code prefix} listening on {@code count} free ports; skips without nginx (fails on CI). */
  public static PlainNginx start(Path prefix, int count) throws Exception {
    ExternalProcess.require("nginx", "nginx-light");
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("tmp"));
    for (int attempt = 1; ; attempt++) {
      List<Integer> ports = new ArrayList<>();
      while (ports.size() < count) {
        int p = ExternalProcess.freePort();
        if (!ports.contains(p)) {
          ports.add(p);
        }
      }
      Files.writeString(prefix.resolve("nginx.conf"), conf(ports));
      Files.deleteIfExists(prefix.resolve("logs/error.log"));
      ExternalProcess p = ExternalProcess.start(List.of("nginx", "-p", prefix + "/",
          "-c", prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("logs/error.log").toString(),
          "-g", "daemon off;"), prefix.resolve("stderr.log"));
      try {
        for (int port : ports) {
          p.awaitPort(port, Duration.ofSeconds(10));
        }
        return new PlainNginx(prefix, p, List.copyOf(ports));
      } catch (AssertionError e) {
        String errorLog = read(prefix.resolve("logs/error.log"));
        p.close();
        if (attempt < 3 && errorLog.contains("Address already in use")) {
          continue;
        }
        throw new AssertionError(e.getMessage() + "\nerror.log:\n" + errorLog, e);
      }
    }
  }

  static String conf(List<Integer> ports) {
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    String listen = ports.stream().map(p -> "    listen 127.0.0.1:" + p + ";").collect(Collectors.joining("\n"));
    return user + """
        worker_processes 1;
        pid logs/nginx.pid;
        error_log logs/error.log info;
        events { worker_connections 256; }
        http {
          log_format plain '$server_port $status';
          access_log logs/access.log plain;
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;
          server {
        %s
            location / {
              default_type text/plain;
              return 200 "plain\\n";
            }
          }
        }
        """.formatted(listen);
  }

  public List<Integer> ports() {
    return ports;
  }

  /** The statuses nginx logged, one "port status" string per request, in log order. */
  public List<String> accessLog() throws IOException {
    Path log = prefix.resolve("logs/access.log");
    return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.split(" ").length == 2).toList() : List.of();
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "(none)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
