package io.mesh4j.xds.internal.bootstrap;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses gRPC's xDS bootstrap format (gRPC A27, with A29's {@code certificate_providers}, A53's
 * {@code server_features} and A65's {@code tls} channel creds) as istio-agent's proxyless template
 * writes it. Every problem is collected and named by its field; fields a client has no use for
 * ({@code server_listener_resource_name_template}, {@code authorities}) and unknown ones are
 * ignored, as gRPC does, so a newer bootstrap still loads.
 */
final class BootstrapJson {

  private static final Logger log = LoggerFactory.getLogger(BootstrapJson.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PROTO_DURATION = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?s");

  /** Channel creds types mesh4j can use, in no particular order: the bootstrap's order decides. */
  static final Set<String> SUPPORTED_CREDS = Set.of(XdsBootstrap.INSECURE, XdsBootstrap.TLS);

  private final List<String> problems = new ArrayList<>();

  private BootstrapJson() {}

  /**
   * @throws BootstrapException naming every field that is wrong
   */
  static BootstrapContent parse(String json) throws BootstrapException {
    return new BootstrapJson().read(json);
  }

  private BootstrapContent read(String json) throws BootstrapException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new BootstrapException(List.of("not valid JSON" + where + ": " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new BootstrapException(List.of("expected a JSON object with xds_servers and node"));
    }
    ServerEntry server = server(root.get("xds_servers"));
    Node node = node(root.get("node"));
    Map<String, CertificateProviderConfig> providers = certificateProviders(root.get("certificate_providers"));
    for (String ignored : List.of("server_listener_resource_name_template", "authorities",
        "client_default_listener_resource_name_template")) {
      if (root.has(ignored)) {
        log.debug("xDS bootstrap: '{}' ignored (mesh4j is an HTTP client without xDS federation or servers)",
            ignored);
      }
    }
    if (!problems.isEmpty()) {
      throw new BootstrapException(problems);
    }
    return new BootstrapContent(server.uri, server.target, server.creds, server.tlsCreds, server.features,
        node, providers);
  }

  private record ServerEntry(
      String uri, XdsServerTarget target, String creds, CertificateProviderConfig tlsCreds, Set<String> features) {}

  private ServerEntry server(JsonNode servers) {
    if (servers == null || servers.isNull()) {
      problems.add("xds_servers: missing (expected [{\"server_uri\": \"host:port\", \"channel_creds\": "
          + "[{\"type\": \"insecure\"}]}])");
      return new ServerEntry(null, null, null, null, Set.of());
    }
    if (!servers.isArray() || servers.isEmpty()) {
      problems.add("xds_servers: expected a non-empty array of servers");
      return new ServerEntry(null, null, null, null, Set.of());
    }
    if (servers.size() > 1) {
      // gRPC A71 falls back to later servers; mesh4j's client talks to the first only
      log.info("xDS bootstrap lists {} servers: mesh4j uses the first only (no fallback servers)", servers.size());
    }
    JsonNode first = servers.get(0);
    String at = "xds_servers[0]";
    if (!first.isObject()) {
      problems.add(at + ": expected an object with server_uri and channel_creds");
      return new ServerEntry(null, null, null, null, Set.of());
    }
    String uri = requiredText(first, "server_uri", at);
    XdsServerTarget target = null;
    if (uri != null) {
      try {
        target = XdsServerTarget.parse(uri);
      } catch (IllegalArgumentException e) {
        problems.add(at + ".server_uri: " + e.getMessage());
      }
    }
    ChosenCreds creds = channelCreds(first.get("channel_creds"), at + ".channel_creds");
    Set<String> features = new LinkedHashSet<>();
    JsonNode list = first.get("server_features");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        problems.add(at + ".server_features: expected an array of strings, such as [\"xds_v3\"]");
      } else {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i).isTextual()) {
            features.add(list.get(i).asText());
          } else {
            problems.add(at + ".server_features[" + i + "]: expected a string");
          }
        }
      }
    }
    return new ServerEntry(uri, target, creds.type, creds.tls, features);
  }

  private record ChosenCreds(String type, CertificateProviderConfig tls) {}

  /** The first supported type wins, as in gRPC; none supported is an error that lists what is. */
  private ChosenCreds channelCreds(JsonNode creds, String at) {
    if (creds == null || creds.isNull() || !creds.isArray() || creds.isEmpty()) {
      problems.add(at + ": expected a non-empty array, such as [{\"type\": \"insecure\"}]");
      return new ChosenCreds(null, null);
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < creds.size(); i++) {
      JsonNode entry = creds.get(i);
      String entryAt = at + "[" + i + "]";
      if (!entry.isObject()) {
        problems.add(entryAt + ": expected an object such as {\"type\": \"insecure\"}");
        continue;
      }
      JsonNode typeNode = entry.get("type");
      if (typeNode == null || typeNode.isNull()) {
        problems.add(entryAt + ".type: missing (expected insecure or tls)");
        continue;
      }
      String type = text(entry, "type", entryAt); // a non-string is reported there, once
      if (type == null) {
        continue;
      }
      seen.add(type);
      // exact names, as gRPC's registry matches them: "TLS" is not "tls"
      if (type.equals(XdsBootstrap.INSECURE)) {
        return new ChosenCreds(XdsBootstrap.INSECURE, null);
      }
      if (type.equals(XdsBootstrap.TLS)) {
        return new ChosenCreds(XdsBootstrap.TLS, tlsConfig(entry.get("config"), entryAt + ".config"));
      }
    }
    if (!seen.isEmpty()) {
      problems.add(at + ": none of the types " + seen + " is supported (mesh4j supports insecure and tls;"
          + " google_default and other types need Google's or the vendor's own client)");
    }
    return new ChosenCreds(null, null);
  }

  /**
   * gRPC A65: the tls creds config has file_watcher's fields; a config that names no file (or none)
   * means the JDK's trust store and no client certificate. The result's instance name is the field's
   * path ({@code xds_servers[0].channel_creds[1].config}), so errors about its files can name it.
   */
  private CertificateProviderConfig tlsConfig(JsonNode config, String at) {
    if (config == null || config.isNull()) {
      return null;
    }
    if (!config.isObject()) {
      problems.add(at + ": expected an object");
      return null;
    }
    CertificateProviderConfig files = fileWatcher(at, config, at, false);
    return files == null || (files.certificateFile() == null && files.caCertificateFile() == null) ? null : files;
  }

  private Node node(JsonNode node) {
    Node.Builder out = Node.newBuilder();
    if (node == null || node.isNull()) {
      return out.build();
    }
    if (!node.isObject()) {
      problems.add("node: expected an object with id, cluster, metadata and locality");
      return out.build();
    }
    String id = text(node, "id", "node");
    if (id != null) {
      out.setId(id);
    }
    String cluster = text(node, "cluster", "node");
    if (cluster != null) {
      out.setCluster(cluster);
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      if (metadata.isObject()) {
        out.setMetadata(struct(metadata));
      } else {
        problems.add("node.metadata: expected a JSON object");
      }
    }
    JsonNode locality = node.get("locality");
    if (locality != null && !locality.isNull()) {
      if (locality.isObject()) {
        Locality.Builder l = Locality.newBuilder();
        String region = text(locality, "region", "node.locality");
        String zone = text(locality, "zone", "node.locality");
        String subZone = text(locality, "sub_zone", "node.locality");
        if (region != null) {
          l.setRegion(region);
        }
        if (zone != null) {
          l.setZone(zone);
        }
        if (subZone != null) {
          l.setSubZone(subZone);
        }
        out.setLocality(l);
      } else {
        problems.add("node.locality: expected an object with region, zone and sub_zone");
      }
    }
    // other fields (user_agent_*, client_features, istio-agent's "UserAgentVersionType": null) are
    // the client's to set, as in gRPC
    return out.build();
  }

  private Map<String, CertificateProviderConfig> certificateProviders(JsonNode providers) {
    Map<String, CertificateProviderConfig> out = new LinkedHashMap<>();
    if (providers == null || providers.isNull()) {
      return out;
    }
    if (!providers.isObject()) {
      problems.add("certificate_providers: expected an object of instance name to {plugin_name, config}");
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = providers.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String at = "certificate_providers." + e.getKey();
      JsonNode provider = e.getValue();
      if (!provider.isObject()) {
        problems.add(at + ": expected an object with plugin_name and config");
        continue;
      }
      String plugin = requiredText(provider, "plugin_name", at);
      if (plugin == null) {
        continue;
      }
      if (plugin.equals(CertificateProviderConfig.FILE_WATCHER)) {
        JsonNode config = provider.get("config");
        if (config == null || !config.isObject()) {
          problems.add(at + ".config: expected an object with certificate_file, private_key_file and"
              + " ca_certificate_file");
          continue;
        }
        CertificateProviderConfig c = fileWatcher(e.getKey(), config, at + ".config", true);
        if (c != null) {
          out.put(e.getKey(), c);
        }
      } else {
        log.warn("xDS bootstrap: certificate provider '{}' uses plug-in '{}', which mesh4j does not support"
            + " (only file_watcher); a cluster that needs it will be refused", e.getKey(), plugin);
        out.put(e.getKey(), new CertificateProviderConfig(e.getKey(), plugin, null, null, null,
            Duration.ofSeconds(CertificateProviderConfig.DEFAULT_REFRESH_SECONDS)));
      }
    }
    return out;
  }

  /**
   * file_watcher's config (gRPC A29): the key and its chain together, and, for a certificate
   * provider ({@code requireFile}), at least one of them or the CA.
   */
  private CertificateProviderConfig fileWatcher(String instance, JsonNode config, String at, boolean requireFile) {
    int before = problems.size();
    Path cert = path(config, "certificate_file", at);
    Path key = path(config, "private_key_file", at);
    Path ca = path(config, "ca_certificate_file", at);
    if ((cert == null) != (key == null) && problems.size() == before) {
      problems.add(at + ": certificate_file and private_key_file go together (set both or neither)");
    }
    if (requireFile && cert == null && key == null && ca == null && problems.size() == before) {
      problems.add(at + ": names no file (expected certificate_file and private_key_file, ca_certificate_file,"
          + " or all three)");
    }
    Duration refresh = Duration.ofSeconds(CertificateProviderConfig.DEFAULT_REFRESH_SECONDS);
    JsonNode interval = config.get("refresh_interval");
    if (interval != null && !interval.isNull()) {
      Matcher m = interval.isTextual() ? PROTO_DURATION.matcher(interval.asText().trim()) : null;
      if (m == null || !m.matches()) {
        problems.add(at + ".refresh_interval: '" + interval.asText() + "' is not a duration (expected seconds as"
            + " protobuf JSON writes them, such as \"900s\" or \"0.5s\")");
      } else {
        String fraction = m.group(2) == null ? "0" : (m.group(2) + "000000000").substring(0, 9);
        refresh = Duration.ofSeconds(Long.parseLong(m.group(1)), Long.parseLong(fraction));
        if (refresh.isZero()) {
          problems.add(at + ".refresh_interval: must be greater than 0s");
        }
      }
    }
    if (problems.size() != before) {
      return null;
    }
    return new CertificateProviderConfig(instance, CertificateProviderConfig.FILE_WATCHER, cert, key, ca, refresh);
  }

  private Path path(JsonNode parent, String field, String at) {
    String raw = text(parent, field, at);
    if (raw == null) {
      return null;
    }
    if (raw.isBlank()) {
      problems.add(at + "." + field + ": empty path");
      return null;
    }
    try {
      return Path.of(raw).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problems.add(at + "." + field + ": '" + raw + "' is not a valid path: " + e.getReason());
      return null;
    }
  }

  private String requiredText(JsonNode parent, String field, String at) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      problems.add(at + "." + field + ": missing");
      return null;
    }
    return text(parent, field, at);
  }

  /** The field's string, null when absent; a problem when it is not a string. */
  private String text(JsonNode parent, String field, String at) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(at + "." + field + ": expected a string, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
      return null;
    }
    return v.asText();
  }

  static Struct struct(JsonNode object) {
    Struct.Builder s = Struct.newBuilder();
    object.fields().forEachRemaining(e -> s.putFields(e.getKey(), value(e.getValue())));
    return s.build();
  }

  private static Value value(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (v.isBoolean()) {
      return Value.newBuilder().setBoolValue(v.booleanValue()).build();
    }
    if (v.isNumber()) {
      return Value.newBuilder().setNumberValue(v.doubleValue()).build();
    }
    if (v.isTextual()) {
      return Value.newBuilder().setStringValue(v.textValue()).build();
    }
    if (v.isArray()) {
      ListValue.Builder list = ListValue.newBuilder();
      v.forEach(item -> list.addValues(value(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (v instanceof ObjectNode) {
      return Value.newBuilder().setStructValue(struct(v)).build();
    }
    return Value.newBuilder().setStringValue(v.asText()).build();
  }
}
