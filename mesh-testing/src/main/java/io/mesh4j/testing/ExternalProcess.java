package io.mesh4j.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real non-Java peer (openssl, nginx, curl, etcd, a DNS server) run as a child process for tests: its output
 * goes to a log file (never a pipe that could fill up and block it), {@link #awaitPort} polls
 * until it accepts connections on loopback, failing with its log, and {@link #close} always ends
 * it and its children (nginx workers) and waits for them.
 */
public final class ExternalProcess implements AutoCloseable {

  private final List<String> command;
  private final Process process;
  private final Path log;

  private ExternalProcess(List<String> command, Process process, Path log) {
    this.command = command;
    this.process = process;
    this.log = log;
  }

  /**
   * Makes sure {@code tool} is on the PATH. When it is missing the test fails on CI (CI=true,
   * where {@code .ci/run} installs {@code debianPackage}) and is skipped elsewhere, saying how to
   * install it.
   */
  public static void require(String tool, String debianPackage) {
    if (onPath(tool)) {
      return;
    }
    String how = "`apt-get install " + debianPackage + "` (.ci/run installs it with apt-get)";
    if ("true".equals(System.getenv("CI"))) {
      fail(tool + " not installed: .ci/run installs it with apt-get (package " + debianPackage + ")");
    }
    assumeTrue(false, tool + " not installed; interop tests talk to a real " + tool + ": install it with " + how);
  }

  /** Whether {@code tool} (a name on the PATH, /usr/sbin and /sbin included, or a path) can be run. */
  public static boolean onPath(String tool) {
    if (tool.contains("/")) {
      return Files.isExecutable(Path.of(tool));
    }
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/sbin";
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** A port that was free on 127.0.0.1 a moment ago (the socket is closed before returning). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
  public static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Starts {@code command} with stdout and stderr going to {@code log}. */
  public static ExternalProcess start(List<String> command, Path log) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ExternalProcess(List.copyOf(command), p, log);
  }

  /**
   * Waits until the process accepts connections on {@code port}; fails with its log when it
   * exits first or does not come up within {@code timeout}.
   */
  public ExternalProcess awaitPort(int port, Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(50))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException(describe("exited with " + process.exitValue() + " before listening on port " + port));
            }
            return accepts(port);
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(describe("did not listen on port " + port + " within " + timeout), e);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    return this;
  }

  public Process process() {
    return process;
  }

  /** What the process wrote so far. */
  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** A message naming the command, what went wrong and its output, for assertion failures. */
  public String describe(String what) {
    return String.join(" ", command) + " " + what + "; its output:\n" + output();
  }

  /**
   * Ends the process and its descendants: first politely (SIGTERM: nginx's master stops its
   * workers), then forcibly, and waits for all of them.
   */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
        // onExit() of a non-child polls with growing pauses (seconds); poll faster
        try {
          await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> !child.isAlive());
        } catch (ConditionTimeoutException e) {
          // reported just below
        }
      }
    }
    if (process.isAlive() || children.stream().anyMatch(ProcessHandle::isAlive)) {
      throw new IllegalStateException(describe("could not be stopped"));
    }
  }

  /** The result of a process run to completion. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String describe() {
      return "exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  /**
   * Runs {@code command} to completion (stdout and stderr to files in {@code dir}); kills it and
   * fails when it takes longer than {@code timeout}.
   */
  public static Result run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
            + "; stderr:\n" + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
