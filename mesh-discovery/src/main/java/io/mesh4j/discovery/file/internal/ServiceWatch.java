package io.mesh4j.discovery.file.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's subscription to the endpoints file: turns each state of the file into what this
 * service's listener needs to hear, only when it changed for this service.
 */
final class ServiceWatch implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(ServiceWatch.class);

  private final String service;
  private final Path file;
  private final DiscoveryListener listener;
  private final FileDiscoveryBackend backend;

  // guarded by this: deliveries come from the watch thread, close() from the mesh
  private boolean closed;
  private List<Endpoint> delivered; // the last endpoints sent; null before the first
  private EndpointsFileException reported; // the error last sent, null when the last word was endpoints
  private boolean warnedAbsent;

  ServiceWatch(String service, Path file, DiscoveryListener listener, FileDiscoveryBackend backend) {
    this.service = service;
    this.file = file;
    this.listener = listener;
    this.backend = backend;
  }

  String service() {
    return service;
  }

  /** Tells the listener what {@code state} means for this service, if that is news. Watch thread only. */
  synchronized void deliver(FileState state) {
    if (closed) {
      return; // locked: once close() returns, the listener hears nothing more
    }
    if (state instanceof FileState.Broken broken) {
      if (broken.error() != reported) {
        reported = broken.error();
        listener.onError(broken.error());
      }
      return;
    }
    FileState.Listing listing = (FileState.Listing) state;
    List<Endpoint> endpoints = listing.services().get(service);
    if (endpoints == null) {
      if (!warnedAbsent) {
        // most often a typo in the service's name, on one side or the other
        log.warn("service '{}' uses discovery=file but {} does not list it (it lists {}): it has no endpoints",
            service, file, new TreeSet<>(listing.services().keySet()));
        warnedAbsent = true;
      }
      endpoints = List.of();
    } else {
      warnedAbsent = false;
    }
    // after an error, even the same endpoints are news: they tell the mesh the file is good again
    if (reported != null || !endpoints.equals(delivered)) {
      delivered = endpoints;
      reported = null;
      // the file is configuration, like static endpoints: what it says (even "none") applies at once
      listener.onUpdate(DiscoveryUpdate.of(endpoints).asAuthoritative());
    }
  }

  /** Reads the file now; the answer, if new, comes from the watch thread. */
  @Override
  public void refresh() {
    backend.refresh();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    backend.unwatch(this);
  }

  @Override
  public String toString() {
    return "file discovery of '" + service + "' from " + file;
  }
}
