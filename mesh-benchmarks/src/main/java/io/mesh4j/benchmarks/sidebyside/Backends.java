package io.mesh4j.benchmarks.sidebyside;

import io.mesh4j.testing.NginxProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The backends every variant calls: one nginx process (one worker) with three plaintext server
 * blocks and three mTLS ones (TLS 1.3, {@code ssl_verify_client on}, session cache and tickets as
 * nginx's defaults), all answering {@code 200 "ok\n"} to any path. Keep-alive is unbounded in
 * time and requests for every block alike, so no variant pays reconnects the others do not. The
 * access log records {@code $server_port $status $connection_requests} per request: {@link
 * AccessLogCounter} counts what reached each port, and the connections opened to it.
 */
final class Backends implements AutoCloseable {

  static final String BODY = "ok\\n";
  private static final int PER_KIND = 3;

  private final NginxProcess nginx;
  private final AccessLogCounter accessLog;

  private Backends(NginxProcess nginx) {
    this.nginx = nginx;
    this.accessLog = new AccessLogCounter(nginx.file("logs/access.log"));
  }

  /** Starts nginx in {@code prefix}, serving mTLS with {@code pki}'s server certificate. */
  static Backends start(Path prefix, Pki pki) throws Exception {
    pki.writeNginxFiles(prefix);
    return new Backends(NginxProcess.start(prefix, 2 * PER_KIND, Backends::conf));
  }

  static String conf(List<Integer> ports) {
    String plain = IntStream.range(0, PER_KIND)
        .mapToObj(i -> server("listen 127.0.0.1:" + ports.get(i) + ";", ""))
        .collect(Collectors.joining("\n"));
    String mtls = IntStream.range(PER_KIND, 2 * PER_KIND)
        .mapToObj(i -> server("listen 127.0.0.1:" + ports.get(i) + " ssl;", """
                ssl_protocols TLSv1.3;
                ssl_certificate server.pem;
                ssl_certificate_key server-key.pem;
                ssl_verify_client on;
                ssl_client_certificate bundle.pem;
                ssl_verify_depth 2;
            """))
        .collect(Collectors.joining("\n"));
    // Running as root (CI), workers would run as "nobody", who cannot enter the 0700 temp dir.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    return user + """
        worker_processes 1;
        worker_rlimit_nofile 8192;
        pid logs/nginx.pid;
        error_log logs/error.log warn;
        events { worker_connections 4096; }
        http {
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;
          log_format counts '$server_port $status $connection_requests';
          access_log logs/access.log counts;
          keepalive_timeout 600s;
          keepalive_requests 100000000;
        %s
        %s
        }
        """.formatted(plain, mtls);
  }

  private static String server(String listen, String tls) {
    return """
          server {
            %s
        %s
            location / {
              default_type text/plain;
              return 200 "%s";
            }
          }
        """.formatted(listen, tls, BODY);
  }

  List<Integer> plainPorts() {
    return nginx.ports().subList(0, PER_KIND);
  }

  List<Integer> mtlsPorts() {
    return nginx.ports().subList(PER_KIND, 2 * PER_KIND);
  }

  AccessLogCounter accessLog() {
    return accessLog;
  }

  /** nginx's master (from its pid file); its worker is a child (see {@link ProcessCpu}). */
  ProcessHandle process() throws IOException {
    long pid = Long.parseLong(Files.readString(nginx.file("logs/nginx.pid")).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new IOException("nginx " + pid + " is not running"));
  }

  String errorLog() {
    return nginx.errorLog();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      accessLog.close();
    } catch (IOException e) {
      // only a reader of the log: nothing to clean up
    }
    nginx.close();
  }
}
