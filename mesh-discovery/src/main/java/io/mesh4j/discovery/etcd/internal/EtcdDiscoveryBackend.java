package io.mesh4j.discovery.etcd.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's etcd discovery: one watch on the whole prefix (one thread, one connection),
 * dispatched to the services watched. Each service gets complete snapshots, only when its keys
 * changed, and the error when etcd cannot be read (the mesh keeps serving its last snapshot).
 *
 * <p>Everything the loop learns and every subscription change is serialized by one lock, held
 * while listeners are called: the mesh's listeners are quick and never call back into a provider,
 * and a subscription closed under the lock gets nothing afterwards.
 */
public final class EtcdDiscoveryBackend implements DiscoveryBackend, EtcdWatchLoop.Listener {

  private static final Logger log = LoggerFactory.getLogger(EtcdDiscoveryBackend.class);

  private final EtcdClient client;
  private final EtcdWatchLoop loop;
  private final Object lock = new Object();
  private final EndpointTable table;
  private final Map<String, List<Subscription>> subscriptions = new HashMap<>();
  private boolean listed;
  private IOException lastError;
  private boolean closed;

  private EtcdDiscoveryBackend(EtcdClient client, String prefix) {
    this.client = client;
    this.table = new EndpointTable(prefix);
    this.loop = new EtcdWatchLoop(client.session(), prefix, this);
  }

  /** Starts listing and watching {@code prefix} on a thread of its own; returns at once. */
  public static EtcdDiscoveryBackend open(List<String> endpoints, String prefix, DiscoveryBackendContext context) {
    EtcdClient client = new EtcdClient(endpoints, context.threadFactory("etcd"));
    EtcdDiscoveryBackend backend = new EtcdDiscoveryBackend(client, prefix);
    try {
      client.executor().execute(backend.loop);
    } catch (RejectedExecutionException e) {
      client.close();
      throw e;
    }
    return backend;
  }

  @Override
  public Discovery watch(DiscoveryContext context) {
    Subscription s = new Subscription(context.serviceName(), context.listener());
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("etcd discovery is closed");
      }
      subscriptions.computeIfAbsent(s.service, k -> new ArrayList<>()).add(s);
      if (listed) {
        s.deliver(table.endpoints(s.service), true);
      }
      if (lastError != null) {
        s.fail(lastError);
      }
    }
    return s;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      subscriptions.values().forEach(list -> list.forEach(s -> s.closed = true));
      subscriptions.clear();
    }
    loop.stop();
    client.close(); // cancels the watch under way, then stops the thread and drops the connection
  }

  @Override
  public void listed(List<EndpointTable.Entry> listing) {
    synchronized (lock) {
      Set<String> changed = table.replaceAll(listing);
      boolean recovering = !listed || lastError != null;
      listed = true;
      lastError = null;
      // after an error every service hears again (the mesh takes an answer as recovery)
      publish(recovering ? subscriptions.keySet() : changed, recovering);
    }
  }

  @Override
  public void watching() {
    synchronized (lock) {
      if (lastError != null && listed) {
        lastError = null;
        publish(subscriptions.keySet(), true);
      }
    }
  }

  @Override
  public void changed(List<EndpointTable.Entry> puts, List<String> deletes) {
    synchronized (lock) {
      Set<String> changed = new HashSet<>();
      for (String key : deletes) {
        String service = table.delete(key);
        if (service != null) {
          changed.add(service);
        }
      }
      for (EndpointTable.Entry entry : puts) {
        String service = table.put(entry);
        if (service != null) {
          changed.add(service);
        }
      }
      publish(changed, false);
    }
  }

  @Override
  public void failed(IOException error) {
    synchronized (lock) {
      lastError = error;
      for (List<Subscription> list : new ArrayList<>(subscriptions.values())) {
        new ArrayList<>(list).forEach(s -> s.fail(error));
      }
    }
  }

  private void publish(Set<String> services, boolean force) {
    for (String service : new ArrayList<>(services)) {
      List<Subscription> list = subscriptions.get(service);
      if (list == null || list.isEmpty()) {
        continue; // nobody watches it: not even parsed
      }
      List<Endpoint> endpoints = table.endpoints(service);
      new ArrayList<>(list).forEach(s -> s.deliver(endpoints, force));
    }
  }

  /** One service's subscription; its state is guarded by the backend's lock. */
  private final class Subscription implements Discovery {
    final String service;
    final DiscoveryListener listener;
    List<Endpoint> last;
    boolean closed;

    Subscription(String service, DiscoveryListener listener) {
      this.service = service;
      this.listener = listener;
    }

    void deliver(List<Endpoint> endpoints, boolean force) {
      if (closed || (!force && endpoints.equals(last))) {
        return;
      }
      last = endpoints;
      try {
        // not authoritative: every key of a service gone at once may be a glitch (leases lapsing
        // while their workloads lost etcd), so the mesh holds an empty answer back for a grace period
        listener.onUpdate(new DiscoveryUpdate(endpoints, ServiceAttributes.EMPTY));
      } catch (RuntimeException e) {
        log.error("discovery listener of service '{}' failed", service, e);
      }
    }

    void fail(IOException error) {
      if (closed) {
        return;
      }
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        log.error("discovery listener of service '{}' failed", service, e);
      }
    }

    @Override
    public void refresh() {
      // the watch pushes every change; a refresh only matters while the loop waits to retry
      loop.wake();
    }

    @Override
    public void close() {
      synchronized (lock) {
        closed = true;
        List<Subscription> list = subscriptions.get(service);
        if (list != null) {
          list.remove(this);
          if (list.isEmpty()) {
            subscriptions.remove(service);
          }
        }
      }
    }
  }
}
