package io.mesh4j.tls.internal;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustDomain;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPIFFE IDs a service's servers may present, from one snapshot of the service, in order of
 * precedence: the configured {@code identity}; else the valid IDs discovery gives in {@link
 * ServiceAttributes#PEER_IDENTITIES}; else {@code spiffe://<trust-domain>/<service>}. An invalid ID
 * from discovery is ignored and logged once per service and value (discovery repeats its answers,
 * the log must not).
 */
public final class AllowedIdentities {

  private static final Logger log = LoggerFactory.getLogger(AllowedIdentities.class);

  private final ConfigKey<List<SpiffeId>> identityKey;
  private final Supplier<TrustDomain> trustDomain;
  /** Per service: the invalid discovery values already logged (and whether "none valid" was). */
  private final Map<String, Set<String>> warned = new ConcurrentHashMap<>();

  public AllowedIdentities(ConfigKey<List<SpiffeId>> identityKey, Supplier<TrustDomain> trustDomain) {
    this.identityKey = identityKey;
    this.trustDomain = trustDomain;
  }

  /** The allowed IDs for requests on {@code service}; never empty, in a stable order. */
  public Set<SpiffeId> of(ServiceSnapshot service) {
    ServiceConfig config = service.config();
    if (config.isSet(identityKey) && !config.get(identityKey).isEmpty()) {
      return Collections.unmodifiableSet(new LinkedHashSet<>(config.get(identityKey)));
    }
    List<String> fromDiscovery = service.attributes().get(ServiceAttributes.PEER_IDENTITIES);
    if (fromDiscovery != null && !fromDiscovery.isEmpty()) {
      Set<SpiffeId> valid = new LinkedHashSet<>();
      for (String text : fromDiscovery) {
        SpiffeId id = parse(service.name(), text);
        if (id != null) {
          valid.add(id);
        }
      }
      if (!valid.isEmpty()) {
        return Collections.unmodifiableSet(valid);
      }
    }
    SpiffeId byName = SpiffeId.of(trustDomain.get(), service.name());
    if (fromDiscovery != null && !fromDiscovery.isEmpty() && firstWarning(service.name(), "\0none-valid")) {
      log.warn("service '{}': discovery named no valid SPIFFE ID for its servers; they are checked against {}",
          service.name(), byName);
    }
    return Set.of(byName);
  }

  private SpiffeId parse(String service, String text) {
    String problem;
    try {
      SpiffeId id = SpiffeId.parse(text == null ? "" : text);
      if (id.hasPath()) {
        return id;
      }
      problem = "a workload SPIFFE ID needs a path, not only the trust domain";
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    if (firstWarning(service, String.valueOf(text))) {
      log.warn("service '{}': ignoring the server identity '{}' from discovery ({}): {}",
          service, text, ServiceAttributes.PEER_IDENTITIES, problem);
    }
    return null;
  }

  private boolean firstWarning(String service, String what) {
    return warned.computeIfAbsent(service, s -> ConcurrentHashMap.newKeySet()).add(what);
  }

  /** Forgets what was logged for a removed service (a service added again logs afresh). */
  public void forget(String service) {
    warned.remove(service);
  }
}
