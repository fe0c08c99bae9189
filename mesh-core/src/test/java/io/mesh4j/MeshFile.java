package io.mesh4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A properties file a test edits the way deploy tools do: atomic rename, or rewrite in place. */
final class MeshFile {

  final Path path;

  MeshFile(Path path) {
    this.path = path;
  }

  /** Writes the lines to a temporary file and renames it over the file (ConfigMap-style). */
  MeshFile write(String... lines) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return this;
  }

  /** Truncates the file and writes the lines into it (an editor saving in place). */
  MeshFile rewriteInPlace(String... lines) throws IOException {
    Files.writeString(path, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return this;
  }

  void delete() throws IOException {
    Files.delete(path);
  }
}
