package io.mesh4j.tls.support;

import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.tls.PemFiles;
import io.mesh4j.tls.X509Svid;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx (OpenSSL) as an mTLS server for interop tests, everything (pid, logs, temp paths) under
 * one directory: TLS 1.3, {@code ssl_verify_client on} against a bundle, session tickets on (its
 * default). {@code location /} echoes what nginx verified of the client; the access log records,
 * per request, the client certificate's serial and whether the TLS session was resumed, so a test
 * reads what the server saw, not what the client believes.
 */
public final class Nginx implements AutoCloseable {

  /** One access log line: what nginx saw on one request. */
  public record Request(
      int remotePort, String clientSerialHex, boolean sessionReused, long connection, long connectionRequests,
      String phase) {

    /** The client certificate's serial; null when there was none. */
    public BigInteger clientSerial() {
      return clientSerialHex.equals("-") ? null : new BigInteger(clientSerialHex, 16);
    }

    /** True for the first request of a connection: its TLS handshake is this line's session. */
    public boolean firstOnConnection() {
      return connectionRequests == 1;
    }
  }

  private final Path prefix;
  private final ExternalProcess process;
  private final int port;

  private Nginx(Path prefix, ExternalProcess process, int port) {
    this.prefix = prefix;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts nginx in the foreground in {@code prefix}, serving {@code svid} and requiring a client
   * certificate that chains to {@code bundle}; skips the test (fails on CI) without nginx.
   */
  public static Nginx start(Path prefix, X509Svid svid, Path bundle) throws Exception {
    ExternalProcess.require("nginx", "nginx-light");
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("tmp"));
    PemFiles.writeSvid(svid, prefix.resolve("server.pem"), prefix.resolve("server-key.pem"));
    Files.copy(bundle, prefix.resolve("bundle.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // The free port was closed before nginx binds it: another process may take it in between,
    // then nginx exits with "Address already in use" and we try another port.
    for (int attempt = 1; ; attempt++) {
      int port = ExternalProcess.freePort();
      Files.writeString(prefix.resolve("nginx.conf"), conf(port));
      Files.deleteIfExists(prefix.resolve("logs/error.log"));
      ExternalProcess p = ExternalProcess.start(List.of("nginx", "-p", prefix + "/",
          "-c", prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("logs/error.log").toString(),
          "-g", "daemon off;"), prefix.resolve("stderr.log"));
      try {
        p.awaitPort(port, Duration.ofSeconds(10));
        return new Nginx(prefix, p, port);
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

  static String conf(int port) {
    // Running as root (CI), the master would start workers as "nobody", who cannot enter the
    // 0700 temp dir; keep workers as the current user.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    return user + """
        worker_processes 1;
        pid logs/nginx.pid;
        error_log logs/error.log info;
        events { worker_connections 256; }
        http {
          log_format mesh '$remote_port $ssl_client_serial $ssl_session_reused $connection $connection_requests $http_x_phase';
          access_log logs/access.log mesh;
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;
          server {
            listen 127.0.0.1:%d ssl;
            ssl_protocols TLSv1.3;
            ssl_certificate server.pem;
            ssl_certificate_key server-key.pem;
            ssl_verify_client on;
            ssl_client_certificate bundle.pem;
            ssl_verify_depth 2;
            location / {
              default_type text/plain;
              return 200 "verify=$ssl_client_verify\\ns_dn=$ssl_client_s_dn\\nhost=$host\\nserial=$ssl_client_serial\\nreused=$ssl_session_reused\\ncert=$ssl_client_escaped_cert\\n";
            }
          }
        }
        """.formatted(port);
  }

  public int port() {
    return port;
  }

  public String url() {
    return "https://127.0.0.1:" + port + "/";
  }

  /** What nginx wrote to stdout and stderr. */
  public String output() {
    return process.output();
  }

  public String errorLog() {
    return read(prefix.resolve("logs/error.log"));
  }

  /** The requests nginx answered so far, in the order it logged them (as each finished). */
  public List<Request> accessLog() throws IOException {
    Path log = prefix.resolve("logs/access.log");
    List<Request> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      String[] f = line.split(" ");
      if (f.length != 6) {
        continue; // a line being written
      }
      out.add(new Request(Integer.parseInt(f[0]), f[1], f[2].equals("r"), Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]));
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "(none)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
