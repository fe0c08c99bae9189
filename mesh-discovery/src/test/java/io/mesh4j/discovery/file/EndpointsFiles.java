package io.mesh4j.discovery.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes endpoints files as a user's tooling would: whole documents, replaced atomically or rewritten in place. */
final class EndpointsFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EndpointsFiles() {}

  /** The documented format, every attribute the endpoint has. */
  static String json(Map<String, List<Endpoint>> services) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode all = root.putObject("services");
    services.forEach((service, endpoints) -> {
      ArrayNode list = all.putArray(service);
      for (Endpoint e : endpoints) {
        ObjectNode o = list.addObject().put("host", e.host()).put("port", e.port());
        if (e.weight() != Endpoint.DEFAULT_WEIGHT) {
          o.put("weight", e.weight());
        }
        if (!e.locality().region().isEmpty()) {
          o.put("region", e.locality().region());
        }
        if (!e.locality().zone().isEmpty()) {
          o.put("zone", e.locality().zone());
        }
        if (!e.locality().subZone().isEmpty()) {
          o.put("sub-zone", e.locality().subZone());
        }
        if (e.priority() != 0) {
          o.put("priority", e.priority());
        }
        if (e.health() != EndpointHealth.HEALTHY) {
          o.put("health", e.health().name().toLowerCase(Locale.ROOT));
        }
        if (!e.metadata().isEmpty()) {
          ObjectNode m = o.putObject("metadata");
          e.metadata().forEach(m::put);
        }
      }
    });
    return root.toPrettyString();
  }

  /** Writes a new file beside it and renames it over the old one, as careful tools do. */
  static void replaceAtomically(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".endpoints", ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Truncates the file and writes into it, as an editor or {@code echo > file} does. */
  static void rewriteInPlace(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
