package io.mesh4j.discovery.file.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The endpoints file cannot be used: it cannot be read, or it is not what the file provider
 * expects. The message names the file and, for content that is wrong, the line and column.
 */
final class EndpointsFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final int column;

  private EndpointsFileException(Path file, int line, int column, String message) {
    super(message);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  /** The file could not be read at all (missing, not a regular file, no permission, too large). */
  static EndpointsFileException unreadable(Path file, String reason) {
    return new EndpointsFileException(file, -1, -1, "cannot read endpoints file " + file + ": " + reason);
  }

  /** The file was read, but what is at {@code line}:{@code column} is wrong. */
  static EndpointsFileException malformed(Path file, int line, int column, String problem) {
    return new EndpointsFileException(
        file, line, column, "malformed endpoints file " + file + ", line " + line + ", column " + column + ": " + problem);
  }

  Path file() {
    return file;
  }

  /** 1-based line of the problem, or -1 when the file could not be read. */
  int line() {
    return line;
  }

  /** 1-based column of the problem, or -1 when the file could not be read. */
  int column() {
    return column;
  }
}
