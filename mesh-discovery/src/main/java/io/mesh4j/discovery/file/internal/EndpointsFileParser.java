package io.mesh4j.discovery.file.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.support.EndpointJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code {"services":{"orders":[{"host":"10.0.0.5","port":8080,...}]}}}: every service's
 * endpoints, in file order. Streams the document rather than reading a tree so that every problem,
 * including a wrong field deep in an endpoint, is reported at its line and column. Any problem
 * rejects the whole file: a file is edited as a unit, and applying the rest of it would silently
 * move one endpoint's share of traffic onto the others.
 */
final class EndpointsFileParser {

  static final String EXAMPLE = "{\"services\":{\"orders\":[{\"host\":\"10.0.0.5\",\"port\":8080}]}}";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  // Jackson puts "[Source: ...; line: 1, column: 2]" inside some messages (the start of an
  // unclosed object): say it the way the rest of the message does.
  private static final Pattern NESTED_LOCATION =
      Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]", Pattern.DOTALL);

  private EndpointsFileParser() {}

  /**
   * @return each service listed, with its endpoints (possibly none), in file order
   * @throws EndpointsFileException naming the file, line and column of the first problem
   */
  static Map<String, List<Endpoint>> parse(Path file, byte[] content) throws EndpointsFileException {
    try (JsonParser p = JSON.createParser(content)) {
      JsonToken token = p.nextToken();
      if (token == null) {
        throw malformed(file, p.currentLocation(), "the file is empty; expected " + EXAMPLE);
      }
      JsonLocation root = p.currentTokenLocation();
      if (token != JsonToken.START_OBJECT) {
        throw malformed(file, root, "expected a JSON object like " + EXAMPLE);
      }
      Map<String, List<Endpoint>> services = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("services")) {
          services = services(file, p);
        } else {
          p.skipChildren(); // room for other tools' fields ("$schema", a generator's version...)
        }
      }
      if (p.nextToken() != null) {
        throw malformed(file, p.currentTokenLocation(), "unexpected content after the end of the JSON object");
      }
      if (services == null) {
        throw malformed(file, root, "\"services\" is missing; expected " + EXAMPLE);
      }
      return services;
    } catch (EndpointsFileException e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return throwSyntax(file, at, e.getOriginalMessage());
    } catch (IOException e) {
      // content is in memory: only a broken parser gets here
      throw malformed(file, JsonLocation.NA, String.valueOf(e));
    }
  }

  private static Map<String, List<Endpoint>> services(Path file, JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw malformed(file, p.currentTokenLocation(),
          "\"services\" must be an object of service names to endpoint lists, like " + EXAMPLE);
    }
    Map<String, List<Endpoint>> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String service = p.currentName();
      p.nextToken();
      out.put(service, endpoints(file, p, service));
    }
    return out;
  }

  private static List<Endpoint> endpoints(Path file, JsonParser p, String service) throws IOException {
    String path = "services." + service;
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw malformed(file, p.currentTokenLocation(),
          path + " must be a list of endpoints like [{\"host\":\"10.0.0.5\",\"port\":8080}]");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    Map<String, Integer> indexByAuthority = new HashMap<>();
    for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
      JsonLocation at = p.currentTokenLocation();
      JsonNode node = p.readValueAsTree();
      Endpoint endpoint;
      try {
        endpoint = EndpointJson.parse(node);
      } catch (IllegalArgumentException e) {
        throw malformed(file, at, path + "[" + i + "]: " + e.getMessage());
      }
      Integer first = indexByAuthority.putIfAbsent(endpoint.authority(), i);
      if (first != null) {
        throw malformed(file, at,
            path + "[" + i + "]: " + endpoint.authority() + " is listed twice (also at index " + first + ")");
      }
      endpoints.add(endpoint);
    }
    return List.copyOf(endpoints);
  }

  private static <T> T throwSyntax(Path file, JsonLocation at, String message) throws EndpointsFileException {
    Matcher m = NESTED_LOCATION.matcher(String.valueOf(message));
    String cleaned = m.replaceAll("line $1, column $2");
    throw malformed(file, at == null ? JsonLocation.NA : at, cleaned);
  }

  private static EndpointsFileException malformed(Path file, JsonLocation at, String problem) {
    return EndpointsFileException.malformed(file, Math.max(at.getLineNr(), 1), Math.max(at.getColumnNr(), 1), problem);
  }
}
