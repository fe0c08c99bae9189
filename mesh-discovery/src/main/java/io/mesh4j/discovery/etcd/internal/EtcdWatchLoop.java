package io.mesh4j.discovery.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the prefix, then watches it from the listed revision + 1 (no change between the two is
 * missed), on one thread. When the watch breaks it resumes from the last revision seen; when etcd
 * compacted that revision away (or lost its history) it lists again. Failures reach the listener,
 * with a pause that grows, and {@link #wake()} cuts a pause short.
 */
final class EtcdWatchLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(EtcdWatchLoop.class);

  /** A watch that stayed up this long was healthy: the next outage starts with a short pause again. */
  private static final Duration HEALTHY = Duration.ofSeconds(5);

  /** What the loop learns, in order, from its one thread. */
  interface Listener {
    /** A complete listing of the prefix. */
    void listed(List<EndpointTable.Entry> listing);

    /** The watch is up (again); nothing was missed. */
    void watching();

    /** Keys changed, all at one revision (a transaction's changes arrive together). */
    void changed(List<EndpointTable.Entry> puts, List<String> deletes);

    /** etcd could not be read; the loop retries. */
    void failed(IOException error);
  }

  private final EtcdClient.Session session;
  private final String prefix;
  private final Listener listener;
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
  private final Wakeup wakeup = new Wakeup();
  private volatile boolean stopped;
  private boolean failing;

  /** The last revision applied; 0 when the prefix must be listed (again). */
  private long revision;

  EtcdWatchLoop(EtcdClient.Session session, String prefix, Listener listener) {
    this.session = session;
    this.prefix = prefix;
    this.listener = listener;
  }

  @Override
  public void run() {
    while (!stopped) {
      long upSince = -1;
      try {
        if (revision == 0) {
          list();
        }
        try (JsonStream stream = session.stream("/v3/watch", createRequest(revision + 1))) {
          upSince = System.nanoTime();
          follow(stream);
        }
        // etcd ended the stream (go on from the last revision), or asked for a new listing
        boolean brief = System.nanoTime() - upSince < HEALTHY.toNanos();
        if (revision != 0 && brief && !pause(backoff.next())) {
          return; // a stream that keeps ending at once must not turn into a busy loop
        }
      } catch (IOException e) {
        if (stopped) {
          return;
        }
        boolean wasUp = upSince >= 0;
        if (wasUp && System.nanoTime() - upSince >= HEALTHY.toNanos()) {
          backoff.reset();
        }
        if (!wasUp) {
          // connecting failed: say so (a watch that broke first gets one quiet retry)
          report(e);
        } else {
          log.debug("etcd watch on {} broke: {}; resuming from revision {}", prefix, e.toString(), revision + 1);
        }
        if (!pause(backoff.next())) {
          return;
        }
      } catch (Exception e) {
        // OkHttp throws InterruptedException unchecked when closing interrupts a connect
        if (stopped || e instanceof InterruptedException) {
          return;
        }
        log.error("etcd discovery failed unexpectedly; retrying", e);
        report(new IOException("etcd discovery failed unexpectedly: " + e, e));
        if (!pause(backoff.next())) {
          return;
        }
      }
    }
  }

  /** Stops the loop: its pause ends and the call under way is cancelled (by the session's owner). */
  void stop() {
    stopped = true;
    wakeup.wake();
  }

  /** Retries now if the loop is pausing after a failure. */
  void wake() {
    wakeup.wake();
  }

  private void list() throws IOException {
    ObjectNode range = EtcdClient.JSON.createObjectNode()
        .put("key", EtcdKeys.base64(prefix))
        .put("range_end", EtcdKeys.rangeEnd(prefix));
    JsonNode answer = session.post("/v3/kv/range", range);
    long listedAt = answer.path("header").path("revision").asLong(0);
    if (listedAt <= 0) {
      throw new IOException("etcd " + session.endpoint() + " listed " + prefix + " without a revision");
    }
    List<EndpointTable.Entry> entries = new ArrayList<>();
    for (JsonNode kv : answer.path("kvs")) {
      entries.add(entry(kv));
    }
    listener.listed(entries);
    revision = listedAt;
    log.debug("etcd listed {}: {} keys at revision {}", prefix, entries.size(), listedAt);
  }

  private ObjectNode createRequest(long startRevision) {
    ObjectNode create = EtcdClient.JSON.createObjectNode()
        .put("key", EtcdKeys.base64(prefix))
        .put("range_end", EtcdKeys.rangeEnd(prefix))
        .put("start_revision", Long.toString(startRevision))
        .put("progress_notify", true);
    ObjectNode request = EtcdClient.JSON.createObjectNode();
    request.set("create_request", create);
    return request;
  }

  /** Applies the stream's messages until it ends (normally or to list again). */
  private void follow(JsonStream stream) throws IOException {
    JsonNode message;
    while ((message = stream.next()) != null) {
      if (message.path("canceled").asBoolean(false)) {
        long compacted = message.path("compact_revision").asLong(0);
        if (compacted > 0) {
          log.info("etcd compacted the history the watch on {} resumes from (revision {} < {}): listing again",
              prefix, revision + 1, compacted);
          revision = 0;
          return;
        }
        throw new IOException("etcd " + stream.endpoint() + " cancelled the watch on " + prefix + ": "
            + message.path("cancel_reason").asText("no reason given"));
      }
      long headerRevision = message.path("header").path("revision").asLong(0);
      if (message.path("created").asBoolean(false)) {
        if (headerRevision > 0 && headerRevision < revision) {
          // a store younger than what we saw (restored or recreated): its history is not ours
          log.warn("etcd {} is at revision {}, behind the {} already seen: listing {} again",
              stream.endpoint(), headerRevision, revision, prefix);
          revision = 0;
          return;
        }
        up(stream.endpoint());
        continue;
      }
      JsonNode events = message.path("events");
      if (events.isEmpty()) {
        // a progress notification: everything up to the header's revision was sent
        revision = Math.max(revision, headerRevision);
        continue;
      }
      List<EndpointTable.Entry> puts = new ArrayList<>();
      List<String> deletes = new ArrayList<>();
      long last = revision;
      for (JsonNode event : events) {
        JsonNode kv = event.path("kv");
        last = Math.max(last, kv.path("mod_revision").asLong(0));
        if ("DELETE".equals(event.path("type").asText("PUT"))) {
          deletes.add(EtcdKeys.decodeText(kv.path("key").asText()));
        } else {
          puts.add(entry(kv));
        }
      }
      listener.changed(puts, deletes);
      revision = last;
    }
  }

  private void up(String endpoint) {
    if (failing) {
      failing = false;
      log.info("etcd discovery is back: watching {} at {} from revision {}", prefix, endpoint, revision + 1);
    }
    listener.watching();
  }

  private void report(IOException e) {
    if (!failing) {
      failing = true;
      log.warn("etcd discovery cannot read {}: {}; the mesh keeps the last endpoints, retrying", prefix, e.getMessage());
    }
    listener.failed(e);
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

  private static EndpointTable.Entry entry(JsonNode kv) {
    return new EndpointTable.Entry(
        EtcdKeys.decodeText(kv.path("key").asText()),
        EtcdKeys.decode(kv.path("value").asText(null)),
        kv.path("mod_revision").asLong(0));
  }
}
