package io.mesh4j.tls.support;

import io.mesh4j.testing.NginxProcess;
import io.mesh4j.tls.PemFiles;
import io.mesh4j.tls.X509Svid;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private final NginxProcess nginx;

  private Nginx(NginxProcess nginx) {
    this.nginx = nginx;
  }

  /**
   * Starts nginx in the foreground in {@code prefix}, serving {@code svid} and requiring a client
   * certificate that chains to {@code bundle}; skips the test (fails on CI) without nginx.
   */
  public static Nginx start(Path prefix, X509Svid svid, Path bundle) throws Exception {
    Files.createDirectories(prefix);
    PemFiles.writeSvid(svid, prefix.resolve("server.pem"), prefix.resolve("server-key.pem"));
    Files.copy(bundle, prefix.resolve("bundle.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return new Nginx(NginxProcess.start(prefix, 1, ports -> conf(ports.get(0))));
  }

  static String conf(int port) {
    return NginxProcess.conf("""
          log_format mesh '$remote_port $ssl_client_serial $ssl_session_reused $connection $connection_requests $http_x_phase';
          access_log logs/access.log mesh;
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
        """.formatted(port));
  }

  public int port() {
    return nginx.ports().get(0);
  }

  public String url() {
    return "https://127.0.0.1:" + port() + "/";
  }

  /** What nginx wrote to stdout and stderr. */
  public String output() {
    return nginx.output();
  }

  public String errorLog() {
    return nginx.errorLog();
  }

  /** The requests nginx answered so far, in the order it logged them (as each finished). */
  public List<Request> accessLog() throws IOException {
    Path log = nginx.file("logs/access.log");
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
    nginx.close();
  }
}
