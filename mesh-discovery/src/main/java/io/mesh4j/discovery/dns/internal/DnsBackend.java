package io.mesh4j.discovery.dns.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.dns.DnsDiscoveryProvider;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS provider in one client: one resolver (servers, sockets) and a few
 * {@code mesh4j-discovery-dns-N} threads shared by every service that uses DNS. The client's
 * scheduler only times the lookups; they run on these threads, since a lookup blocks for as long
 * as a server takes to answer (or time out).
 */
public final class DnsBackend implements DiscoveryBackend {

  private static final Logger log = LoggerFactory.getLogger(DnsBackend.class);

  /** Lookups of different services run side by side up to this many, so one slow name does not delay all. */
  static final int THREADS = 4;

  private final DnsResolver resolver;
  private final EndpointLookup lookup;
  private final RefreshPolicy policy;
  private final ScheduledExecutorService scheduler;
  private final ThreadPoolExecutor executor;
  private final Set<DnsWatch> watches = ConcurrentHashMap.newKeySet();

  public DnsBackend(List<InetSocketAddress> servers, RefreshPolicy policy, DiscoveryBackendContext context) {
    this.resolver = new DnsResolver(servers, DnsResolver.QUERY_TIMEOUT);
    this.lookup = new EndpointLookup(resolver);
    this.policy = policy;
    this.scheduler = context.scheduler();
    // threads start with the first lookup and end when idle, so a client that resolves rarely holds none
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        context.threadFactory("discovery-dns"));
    this.executor.allowCoreThreadTimeOut(true);
    log.debug("DNS discovery asks {}", servers.isEmpty() ? "the system's resolvers" : DnsServers.format(servers));
  }

  @Override
  public Discovery watch(DiscoveryContext context) {
    String name = context.config().get(DnsDiscoveryProvider.DNS_NAME);
    if (name == null) { // the provider's validation prevents it for configured services
      throw new IllegalArgumentException("mesh.services." + context.serviceName() + ".dns.name is not set");
    }
    DnsTarget target = DnsTarget.of(name, context.config().get(DnsDiscoveryProvider.DNS_PORT));
    DnsWatch watch = new DnsWatch(context.serviceName(), target, context.listener(), this);
    watches.add(watch);
    watch.start();
    return watch;
  }

  EndpointLookup lookup() {
    return lookup;
  }

  RefreshPolicy policy() {
    return policy;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Executor executor() {
    return executor;
  }

  void closed(DnsWatch watch) {
    watches.remove(watch);
  }

  @Override
  public void close() {
    for (DnsWatch w : List.copyOf(watches)) {
      w.close();
    }
    executor.shutdownNow();
    resolver.close(); // a lookup waiting for a server fails at once rather than at its timeout
  }
}
