package io.mesh4j.discovery.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This workload's endpoint, put under a lease that is kept alive: granted, then the key put with
 * it, then a keep-alive every third of the TTL. When etcd cannot be reached it retries; when the
 * lease is gone (expired while etcd was out of reach, or revoked) it grants a new one and puts the
 * key again. {@link #close()} revokes the lease, which deletes the key at once; a process that dies
 * without closing disappears when the lease expires.
 */
public final class EtcdRegistration implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EtcdRegistration.class);

  /** Deregistering must not hold up a client's close() for long: the lease expires anyway. */
  private static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(2);

  private final EtcdClient client;
  private final EtcdClient.Session session;
  private final String key;
  private final String value;
  private final Duration ttl;
  private final Duration interval;
  private final Backoff backoff;
  private final Wakeup wakeup = new Wakeup();
  private volatile boolean stopped;
  private volatile long leaseId;
  private volatile boolean registered;
  private boolean failing;
  private Future<?> running;

  private EtcdRegistration(EtcdClient client, String key, String value, Duration ttl) {
    this.client = client;
    this.session = client.session();
    this.key = key;
    this.value = value;
    this.ttl = ttl;
    this.interval = ttl.dividedBy(3);
    this.backoff = new Backoff(Duration.ofMillis(200), interval);
  }

  /** Starts registering {@code value} as {@code key} on a thread of its own; returns at once. */
  public static EtcdRegistration start(
      List<String> endpoints, String key, String value, Duration ttl, ThreadFactory threads) {
    EtcdRegistration r = new EtcdRegistration(new EtcdClient(endpoints, threads), key, value, ttl);
    r.running = r.client.executor().submit(r::run);
    return r;
  }

  /** True while the key is in etcd as far as this workload knows. */
  public boolean isRegistered() {
    return registered;
  }

  public String key() {
    return key;
  }

  private void run() {
    while (!stopped) {
      try {
        if (leaseId == 0) {
          leaseId = grant();
        }
        if (!registered) {
          put();
          registered = true;
          log.info("registered in etcd: {} (lease {}, TTL {}s)", key, Long.toHexString(leaseId), ttl.toSeconds());
        }
        if (failing) {
          failing = false;
          log.info("etcd registration of {} is kept alive again", key);
        }
        backoff.reset();
        if (!pause(interval)) {
          return;
        }
        if (!keepAlive()) {
          log.warn("etcd lease of {} is gone (it expired while etcd was out of reach, or was revoked):"
              + " registering again", key);
          leaseId = 0;
          registered = false;
        }
      } catch (IOException e) {
        if (stopped) {
          return;
        }
        if (e instanceof EtcdErrorException err && err.grpcCode() == EtcdErrorException.NOT_FOUND) {
          leaseId = 0; // the lease vanished between grant and put
          registered = false;
        }
        if (!failing) {
          failing = true;
          log.warn("etcd registration of {} failed: {}; retrying (others keep seeing it until its lease"
              + " expires, within {}s)", key, e.getMessage(), ttl.toSeconds());
        }
        if (!pause(backoff.next())) {
          return;
        }
      } catch (Exception e) {
        // OkHttp throws InterruptedException unchecked when closing interrupts a connect
        if (stopped || e instanceof InterruptedException) {
          return;
        }
        log.error("etcd registration of {} failed unexpectedly; retrying", key, e);
        if (!pause(backoff.next())) {
          return;
        }
      }
    }
  }

  private long grant() throws IOException {
    JsonNode answer = session.post("/v3/lease/grant", EtcdClient.JSON.createObjectNode().put("TTL", Long.toString(ttl.toSeconds())));
    long id = answer.path("ID").asLong(0);
    if (id == 0) {
      String error = answer.path("error").asText("");
      throw new IOException("etcd " + session.endpoint() + " granted no lease" + (error.isEmpty() ? "" : ": " + error));
    }
    return id;
  }

  private void put() throws IOException {
    ObjectNode put = EtcdClient.JSON.createObjectNode()
        .put("key", EtcdKeys.base64(key))
        .put("value", EtcdKeys.base64(value))
        .put("lease", Long.toString(leaseId));
    session.post("/v3/kv/put", put);
  }

  /** False when etcd no longer has the lease. */
  private boolean keepAlive() throws IOException {
    JsonNode answer = session.post("/v3/lease/keepalive", EtcdClient.JSON.createObjectNode().put("ID", Long.toString(leaseId)));
    JsonNode result = answer.path("result");
    if (result.isMissingNode()) {
      throw new IOException("etcd " + session.endpoint() + " answered a keep-alive with "
          + EtcdClient.abbreviate(answer.toString()));
    }
    return result.path("TTL").asLong(0) > 0; // an unknown lease comes back without a TTL
  }

  /** False when the loop should end. */
  private boolean pause(Duration pause) {
    try {
      wakeup.pause(pause);
      return !stopped;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops keeping the lease alive and revokes it, which deletes the key; then stops the client. */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    wakeup.wake();
    session.cancel();
    try {
      running.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("etcd registration loop of {} did not end cleanly", key, e);
    }
    long id = leaseId;
    try {
      if (id != 0) {
        client.session().post("/v3/lease/revoke", EtcdClient.JSON.createObjectNode().put("ID", Long.toString(id)), REVOKE_TIMEOUT);
        log.info("deregistered from etcd: {}", key);
      }
    } catch (EtcdErrorException e) {
      log.debug("etcd lease of {} was already gone: {}", key, e.getMessage());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // OkHttp throws it unchecked
      }
      log.warn("could not deregister {} from etcd ({}): it disappears when its lease expires, within {}s",
          key, e.getMessage(), ttl.toSeconds());
    } finally {
      registered = false;
      client.close();
    }
  }
}
