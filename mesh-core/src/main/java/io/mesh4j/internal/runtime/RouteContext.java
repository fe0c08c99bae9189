package io.mesh4j.internal.runtime;

import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Locality;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.time.MeshClock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** What the client lends each of its {@link ServiceRoute}s. */
interface RouteContext {

  Plugins plugins();

  MeshClock clock();

  ScheduledExecutorService scheduler();

  /** The modules' filters, in module order. */
  List<EndpointFilter> endpointFilters();

  MeshEvents events();

  /** This client's locality now. */
  Locality locality();

  /** The provider's backend in this client, opened on first use. */
  DiscoveryBackend backend(DiscoveryProvider provider);
}
