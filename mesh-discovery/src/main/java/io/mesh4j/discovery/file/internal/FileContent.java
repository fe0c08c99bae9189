package io.mesh4j.discovery.file.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What reading the file gave: its bytes, or why it could not be read. Compared by value, so that
 * the watcher sees a change of content whatever the timestamps say, and a file that stays missing
 * is one state, not a new one each poll.
 */
sealed interface FileContent {

  /** Larger than any real endpoint list; a guard against a path pointing at a huge file. */
  int MAX_BYTES = 16 * 1024 * 1024;

  /** The file's bytes. */
  record Bytes(byte[] data) implements FileContent {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Bytes[" + data.length + "]";
    }
  }

  /** The file could not be read, and why, in words for a log line. */
  record Unreadable(String reason) implements FileContent {}

  static FileContent read(Path file) {
    // A FIFO or a device would block or never end: only regular files (symbolic links followed,
    // so a Kubernetes ConfigMap's mount works) are read.
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      return new Unreadable(Files.isDirectory(file) ? "it is a directory" : "it is not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(MAX_BYTES + 1);
      if (data.length > MAX_BYTES) {
        return new Unreadable("it is larger than " + (MAX_BYTES >> 20) + " MiB");
      }
      return new Bytes(data);
    } catch (NoSuchFileException e) {
      return new Unreadable("no such file");
    } catch (AccessDeniedException e) {
      return new Unreadable("permission denied");
    } catch (IOException | SecurityException e) {
      return new Unreadable(e.toString());
    }
  }
}
