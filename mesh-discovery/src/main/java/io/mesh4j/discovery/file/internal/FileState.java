package io.mesh4j.discovery.file.internal;

import io.mesh4j.discovery.Endpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What one content of the endpoints file means: every service's endpoints, or why it cannot be used. */
sealed interface FileState {

  /** A valid file: each service it lists, with its endpoints (possibly none). */
  record Listing(Map<String, List<Endpoint>> services) implements FileState {
    public Listing {
      services = Map.copyOf(services);
    }
  }

  /** A file that is missing, unreadable or malformed. */
  record Broken(EndpointsFileException error) implements FileState {}

  static FileState of(Path file, FileContent content) {
    if (content instanceof FileContent.Unreadable unreadable) {
      return new Broken(EndpointsFileException.unreadable(file, unreadable.reason()));
    }
    try {
      return new Listing(EndpointsFileParser.parse(file, ((FileContent.Bytes) content).data()));
    } catch (EndpointsFileException e) {
      return new Broken(e);
    }
  }
}
