package io.mesh4j.discovery.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import java.util.Iterator;
import java.util.Map;

/**
 * One endpoint as the file and etcd providers write it in JSON:
 * {@code {"host":"10.0.0.5","port":8080,"weight":2,"zone":"a","metadata":{"version":"v2"}}}. Only
 * {@code host} and {@code port} are required; {@code region}, {@code sub-zone}, {@code priority}
 * and {@code health} ({@code healthy|draining|unhealthy}) are read too. Fields it does not know are
 * ignored, so other tools may add their own.
 */
public final class EndpointJson {

  private EndpointJson() {}

  /**
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static Endpoint parse(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("an endpoint must be a JSON object like {\"host\":\"10.0.0.5\",\"port\":8080}");
    }
    String host = text(node, "host", true);
    if (host.isBlank()) {
      throw new IllegalArgumentException("\"host\" is empty");
    }
    Endpoint.Builder b = Endpoint.builder(host, integer(node, "port", 1, 65535, -1));
    b.weight(integer(node, "weight", 1, Integer.MAX_VALUE, Endpoint.DEFAULT_WEIGHT));
    b.priority(integer(node, "priority", 0, Integer.MAX_VALUE, 0));
    b.locality(new Locality(text(node, "region", false), text(node, "zone", false), text(node, "sub-zone", false)));
    String health = text(node, "health", false);
    if (!health.isEmpty()) {
      b.health(EndpointHealth.parse(health));
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      if (!metadata.isObject()) {
        throw new IllegalArgumentException("\"metadata\" must be an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new IllegalArgumentException("\"metadata\".\"" + e.getKey() + "\" must be a string");
        }
        b.metadata(e.getKey(), e.getValue().asText());
      }
    }
    return b.build();
  }

  private static String text(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException("\"" + field + "\" is missing");
      }
      return "";
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string, not " + v);
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String field, int min, int max, int dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (dflt < 0) {
        throw new IllegalArgumentException("\"" + field + "\" is missing");
      }
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw new IllegalArgumentException(
          "\"" + field + "\" must be an integer from " + min + " to " + max + ", not " + v);
    }
    return v.intValue();
  }
}
