package io.mesh4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A foreground nginx with everything (pid, logs, temp paths) under one directory, listening on free
 * loopback ports. The ports are found free and closed before nginx binds them, so another process
 * may take one in between: nginx then exits with "Address already in use" and another set is tried.
 */
public final class NginxProcess implements AutoCloseable {

  private final Path prefix;
  private final ExternalProcess process;
  private final List<Integer> ports;

  private NginxProcess(Path prefix, ExternalProcess process, List<Integer> ports) {
    this.prefix = prefix;
    this.process = process;
    this.ports = ports;
  }

  /**
   * Starts nginx in {@code prefix} with the configuration {@code conf} writes for {@code portCount}
   * distinct free ports (see {@link #conf}); skips the test without nginx (fails on CI).
   */
  public static NginxProcess start(Path prefix, int portCount, Function<List<Integer>, String> conf)
      throws Exception {
    ExternalProcess.require("nginx", "nginx-light");
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("tmp"));
    Path errorLog = prefix.resolve("logs/error.log");
    for (int attempt = 1; ; attempt++) {
      List<Integer> ports = new ArrayList<>();
      while (ports.size() < portCount) {
        int p = ExternalProcess.freePort();
        if (!ports.contains(p)) {
          ports.add(p);
        }
      }
      Files.writeString(prefix.resolve("nginx.conf"), conf.apply(List.copyOf(ports)));
      Files.deleteIfExists(errorLog);
      ExternalProcess p = ExternalProcess.start(List.of("nginx", "-p", prefix + "/",
          "-c", prefix.resolve("nginx.conf").toString(), "-e", errorLog.toString(),
          "-g", "daemon off;"), prefix.resolve("stderr.log"));
      try {
        for (int port : ports) {
          p.awaitPort(port, Duration.ofSeconds(10));
        }
        return new NginxProcess(prefix, p, List.copyOf(ports));
      } catch (AssertionError e) {
        String log = read(errorLog);
        p.close();
        if (attempt < 3 && log.contains("Address already in use")) {
          continue;
        }
        throw new AssertionError(e.getMessage() + "\nerror.log:\n" + log, e);
      }
    }
  }

  /**
   * A whole nginx.conf around {@code http}, the body of its {@code http} block: one worker, pid,
   * logs and temp paths under the prefix.
   */
  public static String conf(String http) {
    // Running as root (CI), the master would start workers as "nobody", who cannot enter the
    // 0700 temp dir; keep workers as the current user.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    return user + """
        worker_processes 1;
        pid logs/nginx.pid;
        error_log logs/error.log info;
        events { worker_connections 256; }
        http {
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;
        %s
        }
        """.formatted(http);
  }

  public List<Integer> ports() {
    return ports;
  }

  /** A file under the prefix, e.g. {@code logs/access.log}. */
  public Path file(String relative) {
    return prefix.resolve(relative);
  }

  /** What nginx wrote to stdout and stderr. */
  public String output() {
    return process.output();
  }

  public String errorLog() {
    return read(prefix.resolve("logs/error.log"));
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
