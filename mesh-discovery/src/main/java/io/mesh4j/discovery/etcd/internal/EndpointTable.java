package io.mesh4j.discovery.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.support.EndpointJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys under the prefix, by service: {@code <prefix><service>/<host>:<port>} holds one endpoint
 * as JSON. A value is parsed when a watched service first needs it, and a malformed one is logged
 * once (naming its key) and left out of its service's snapshot; the other endpoints still count.
 * Not thread-safe: its owner serializes calls.
 */
final class EndpointTable {

  private static final Logger log = LoggerFactory.getLogger(EndpointTable.class);

  private final String prefix;
  private final Map<String, TreeMap<String, Entry>> byService = new HashMap<>();
  private final Set<String> offLayoutWarned = new HashSet<>();

  EndpointTable(String prefix) {
    this.prefix = prefix;
  }

  /** One key's value at one revision; parsed at most once. */
  static final class Entry {
    final String key;
    final byte[] value;
    final long modRevision;
    private boolean parsed;
    private Endpoint endpoint;
    private boolean duplicateWarned;

    Entry(String key, byte[] value, long modRevision) {
      this.key = key;
      this.value = value;
      this.modRevision = modRevision;
    }

    /** The endpoint, or null when the value is not one (logged at WARN the first time). */
    Endpoint endpoint() {
      if (!parsed) {
        parsed = true;
        try {
          endpoint = EndpointJson.parse(json());
        } catch (IllegalArgumentException e) {
          log.warn("etcd key {}: value skipped, it is not an endpoint: {}; value: {}", key, e.getMessage(),
              EtcdClient.abbreviate(new String(value, StandardCharsets.UTF_8)));
        }
      }
      return endpoint;
    }

    private JsonNode json() {
      if (value.length == 0) {
        throw new IllegalArgumentException("empty value (expected JSON like {\"host\":\"10.0.0.5\",\"port\":8080})");
      }
      try {
        return EtcdClient.JSON.readTree(value);
      } catch (IOException e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        throw new IllegalArgumentException("not JSON (" + why + ")");
      }
    }
  }

  /** The service a key belongs to, or null for a key that is not in the layout. */
  String serviceOf(String key) {
    if (!key.startsWith(prefix)) {
      return null;
    }
    String rest = key.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      if (offLayoutWarned.add(key)) {
        log.warn("etcd key {} is not in the layout {}<service>/<host>:<port>: ignored", key, prefix);
      }
      return null;
    }
    return rest.substring(0, slash);
  }

  /**
   * Replaces everything with a fresh listing; returns the services whose keys changed. An entry
   * whose key and revision are unchanged is kept as it was (not parsed, nor logged, again).
   */
  Set<String> replaceAll(List<Entry> listing) {
    Map<String, TreeMap<String, Entry>> next = new HashMap<>();
    for (Entry e : listing) {
      String service = serviceOf(e.key);
      if (service == null) {
        continue;
      }
      Entry old = find(service, e.key);
      Entry kept = old != null && old.modRevision == e.modRevision ? old : e;
      next.computeIfAbsent(service, s -> new TreeMap<>()).put(e.key, kept);
    }
    Set<String> changed = new HashSet<>();
    Set<String> services = new HashSet<>(byService.keySet());
    services.addAll(next.keySet());
    for (String service : services) {
      if (!sameEntries(byService.get(service), next.get(service))) {
        changed.add(service);
      }
    }
    byService.clear();
    byService.putAll(next);
    Set<String> listed = new HashSet<>();
    listing.forEach(e -> listed.add(e.key));
    offLayoutWarned.retainAll(listed);
    return changed;
  }

  /** A key was put; returns its service, or null when it is not in the layout. */
  String put(Entry entry) {
    String service = serviceOf(entry.key);
    if (service != null) {
      byService.computeIfAbsent(service, s -> new TreeMap<>()).put(entry.key, entry);
    }
    return service;
  }

  /** A key was deleted; returns its service, or null when it held none. */
  String delete(String key) {
    offLayoutWarned.remove(key);
    String service = serviceOf(key);
    if (service == null) {
      return null;
    }
    TreeMap<String, Entry> entries = byService.get(service);
    if (entries == null || entries.remove(key) == null) {
      return null;
    }
    if (entries.isEmpty()) {
      byService.remove(service);
    }
    return service;
  }

  /**
   * The service's endpoints in key order. Two keys naming the same host:port keep the first (a
   * duplicate would count twice in balancing); that is logged once too.
   */
  List<Endpoint> endpoints(String service) {
    TreeMap<String, Entry> entries = byService.get(service);
    if (entries == null) {
      return List.of();
    }
    List<Endpoint> out = new ArrayList<>(entries.size());
    Map<String, String> keyByAuthority = new HashMap<>();
    for (Entry e : entries.values()) {
      Endpoint endpoint = e.endpoint();
      if (endpoint == null) {
        continue;
      }
      String first = keyByAuthority.putIfAbsent(endpoint.authority(), e.key);
      if (first != null) {
        if (!e.duplicateWarned) {
          e.duplicateWarned = true;
          log.warn("etcd key {}: endpoint {} skipped, key {} already registers it", e.key, endpoint.authority(), first);
        }
        continue;
      }
      out.add(endpoint);
    }
    return List.copyOf(out);
  }

  private Entry find(String service, String key) {
    TreeMap<String, Entry> entries = byService.get(service);
    return entries == null ? null : entries.get(key);
  }

  private static boolean sameEntries(TreeMap<String, Entry> a, TreeMap<String, Entry> b) {
    if (a == null || b == null) {
      return a == b || (a == null ? b.isEmpty() : a.isEmpty());
    }
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Entry> e : a.entrySet()) {
      if (e.getValue().modRevision != b.get(e.getKey()).modRevision) {
        return false;
      }
    }
    return true;
  }
}
