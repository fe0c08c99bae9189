package io.mesh4j.xds.internal.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which of a cluster's mapped keys go into the overlay for one mesh service.
 *
 * <ul>
 *   <li>Keys of a module that is not on the class path are left out (the overlay would be rejected
 *       as a whole), logged once per cluster: resilience settings are then simply not applied.
 *   <li>A cluster asking for TLS without mesh-tls fails closed: its requests are refused, never
 *       sent in plaintext.
 *   <li>{@code tls.mode=disabled} (a cluster without transport socket) is not pushed over an explicit
 *       user choice of {@code mesh.tls.mode}, {@code mesh.services.<svc>.tls.mode} or {@code
 *       mesh.defaults.tls.mode}: the control plane never downgrades the user's mTLS; a WARN once per
 *       cluster names the cluster and the key.
 *   <li>A cluster asking for TLS while the user turned TLS off (one of those keys is {@code disabled})
 *       fails closed too: the user's key would win and the cluster would be called in plaintext.
 * </ul>
 */
final class ClusterKeyFilter {

  private static final Logger log = LoggerFactory.getLogger(ClusterKeyFilter.class);

  static final String TLS_MODE = "tls.mode";
  private static final List<String> RESILIENCE_PREFIXES =
      List.of("retry.", "circuit-breaker.", "bulkhead.", "outlier-detection.", "health-check.", "hedge.");
  private static final Set<String> RESILIENCE_KEYS = Set.of("per-try-timeout");

  /** What goes into the overlay, or why the cluster's requests are refused. */
  record Result(Map<String, String> keys, String failClosedReason) {}

  /** The TLS mode the user chose for a service: the key that says so (full name) and its value. */
  record UserTlsMode(String key, String value) {
    boolean disabled() {
      return value.trim().equalsIgnoreCase("disabled");
    }
  }

  private final boolean tlsPresent;
  private final boolean resiliencePresent;
  /** The user's explicit TLS mode for a service, or null when the user set none. */
  private final Function<String, UserTlsMode> userTlsMode;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  ClusterKeyFilter(boolean tlsPresent, boolean resiliencePresent,
      Function<String, UserTlsMode> userTlsMode) {
    this.tlsPresent = tlsPresent;
    this.resiliencePresent = resiliencePresent;
    this.userTlsMode = userTlsMode;
  }

  /** The modules on the class path of this provider. */
  static ClusterKeyFilter forClassPath(Function<String, UserTlsMode> userTlsModeKey) {
    ClassLoader loader = ClusterKeyFilter.class.getClassLoader();
    return new ClusterKeyFilter(present("io.mesh4j.tls.TlsModule", loader),
        present("io.mesh4j.resilience.ResilienceModule", loader), userTlsModeKey);
  }

  private static boolean present(String className, ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  Result filter(String service, String cluster, Map<String, String> mapped) {
    String mode = mapped.get(TLS_MODE);
    if (!tlsPresent && mode != null && !mode.equals("disabled")) {
      return new Result(Map.of(), "cluster '" + cluster + "' requires TLS (tls.mode=" + mode + " from its"
          + " UpstreamTlsContext), but mesh-tls is not on the class path: add io.mesh4j:mesh-tls; requests are"
          + " refused rather than sent in plaintext");
    }
    if (tlsPresent && mode != null && !mode.equals("disabled")) {
      UserTlsMode user = userTlsMode.apply(service);
      if (user != null && user.disabled()) {
        // the user's key wins over the overlay's (or mesh-tls rejects the overlay): the cluster would
        // be called in plaintext though its control plane asks for TLS
        return new Result(Map.of(), "cluster '" + cluster + "' requires TLS (tls.mode=" + mode + " from its"
            + " UpstreamTlsContext), but " + user.key() + "=" + user.value() + " turns TLS off for service '"
            + service + "': requests are refused rather than sent in plaintext (remove " + user.key()
            + " or set it to strict)");
      }
    }
    if (tlsPresent && mode != null && !mode.equals("disabled") && !mapped.containsKey("identity")
        && warned.add("san|" + cluster)) {
      log.warn("xDS cluster '{}' (service '{}') asks for TLS but its UpstreamTlsContext has no SAN matcher: the"
          + " server is checked against the service's default identity (from its name), which a derived service's"
          + " backends usually do not have: its requests fail closed", cluster, service);
    }
    Map<String, String> keys = new LinkedHashMap<>();
    List<String> dropped = new ArrayList<>();
    for (Map.Entry<String, String> e : mapped.entrySet()) {
      String key = e.getKey();
      if (!resiliencePresent && isResilienceKey(key)) {
        dropped.add(key + "=" + e.getValue());
      } else if (!tlsPresent && (key.equals("identity") || key.startsWith("tls."))) {
        continue; // plaintext cluster: without mesh-tls the mesh speaks plaintext anyway
      } else {
        keys.put(key, e.getValue());
      }
    }
    if (!dropped.isEmpty() && warned.add("resilience|" + cluster)) {
      log.warn("xDS cluster '{}' (service '{}'): settings {} are not applied: mesh-resilience is not on the"
          + " class path (add io.mesh4j:mesh-resilience to have them)", cluster, service, dropped);
    }
    if ("disabled".equals(keys.get(TLS_MODE))) {
      UserTlsMode user = userTlsMode.apply(service);
      if (user != null) {
        String userKey = user.key();
        keys.remove(TLS_MODE);
        if (warned.add("tls|" + cluster + "|" + service)) {
          log.warn("xDS cluster '{}' has no transport socket (plaintext), but {} is set: service '{}' keeps the"
              + " user's TLS mode; the control plane does not downgrade an explicit choice", cluster, userKey,
              service);
        }
      }
    }
    return new Result(keys, null);
  }

  private static boolean isResilienceKey(String key) {
    if (RESILIENCE_KEYS.contains(key)) {
      return true;
    }
    for (String prefix : RESILIENCE_PREFIXES) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
