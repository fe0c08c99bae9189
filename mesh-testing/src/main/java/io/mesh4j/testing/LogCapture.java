package io.mesh4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a test's slf4j-simple logger writes while this is open (slf4j-simple writes to System.err,
 * which it looks up at each line), still passed through to the real System.err. Lines look like
 * {@code [thread] WARN logger.name - message}.
 */
public final class LogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** Starts capturing. */
  public LogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (captured) {
          captured.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (captured) {
          captured.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** Lines logged at WARN that contain {@code text}. */
  public List<String> warnings(String text) {
    return all().stream().filter(l -> l.contains(" WARN ") && l.contains(text)).toList();
  }

  /** Lines logged at {@code level} by loggers whose name starts with {@code loggerPrefix}. */
  public List<String> lines(String level, String loggerPrefix) {
    return all().stream().filter(l -> l.contains(" " + level + " " + loggerPrefix)).toList();
  }

  private List<String> all() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
