package io.mesh4j.discovery.file;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What slf4j-simple (the tests' logger, which writes to whatever {@code System.err} is at the
 * time) prints while this is open; still printed too.
 */
final class CapturedLog implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  CapturedLog() {
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

  /** Lines logged at {@code level} by loggers whose name starts with {@code loggerPrefix}. */
  List<String> lines(String level, String loggerPrefix) {
    String text;
    synchronized (captured) {
      text = captured.toString(StandardCharsets.UTF_8);
    }
    return Arrays.stream(text.split("\n"))
        .filter(line -> line.contains(" " + level + " " + loggerPrefix))
        .toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
