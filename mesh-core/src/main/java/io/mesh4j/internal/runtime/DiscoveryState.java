package io.mesh4j.internal.runtime;

import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.DiscoveryFailed;
import io.mesh4j.event.DiscoveryRecovered;
import io.mesh4j.event.MeshEvents;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one service's discovery has said: the last good answer (kept while the source fails), the
 * last error, and whether it has answered at all. Not thread-safe: its route serializes calls;
 * only {@link #errorWithoutEndpoints()}, {@link #hasAnswered()} and {@link #awaitFirstAnswer} are
 * read by requests.
 */
final class DiscoveryState {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoute.class);

  private final String service;
  private final MeshEvents events;
  private final CountDownLatch firstAnswer = new CountDownLatch(1);
  private DiscoveryUpdate lastGood;
  private List<Endpoint> eligible;
  private Throwable lastError;
  private long lastUpdateNanos = -1;
  private volatile Throwable errorWithoutEndpoints;
  private volatile boolean answered;

  DiscoveryState(String service, MeshEvents events) {
    this.service = service;
    this.events = events;
  }

  /** Records an answer; true when it differs from the last good one. */
  boolean accept(DiscoveryUpdate update, long nowNanos) {
    lastUpdateNanos = nowNanos;
    if (lastError != null) {
      log.info("discovery for service '{}' recovered: {} endpoints", service, update.endpoints().size());
      events.publish(new DiscoveryRecovered(service, update.endpoints().size()));
    }
    lastError = null;
    errorWithoutEndpoints = null;
    answered = true;
    if (update.equals(lastGood)) {
      return false;
    }
    lastGood = update;
    log.debug("service '{}' endpoints: {}", service, update.endpoints());
    if (update.endpoints().isEmpty()
        && update.attributes().get(io.mesh4j.discovery.ServiceAttributes.REQUEST_ROUTER) == null) {
      // (a routing service has none of its own: its requests go where its router sends them)
      log.warn("service '{}' has no endpoints: its requests will fail", service);
    }
    return true;
  }

  /** Records a failure; the last good answer, if any, keeps serving. */
  void fail(Throwable error, long nowNanos) {
    boolean news = lastError == null || !String.valueOf(lastError).equals(String.valueOf(error));
    lastError = error;
    lastUpdateNanos = nowNanos;
    if (lastGood == null) {
      errorWithoutEndpoints = error;
    }
    if (news) {
      if (lastGood != null) {
        log.warn("discovery for service '{}' failed, keeping the last {} endpoints: {}",
            service, lastGood.endpoints().size(), error.toString());
      } else {
        log.warn("discovery for service '{}' failed and has no endpoints yet: {}", service, error.toString());
      }
      events.publish(new DiscoveryFailed(service, error, lastGood == null ? 0 : lastGood.endpoints().size()));
    }
    answered = true;
  }

  /**
   * Requests waiting for a first answer go on: called once an answer ({@link #accept}, {@link
   * #fail}) has been applied and its status published, so that a request failed by it finds the
   * error in the service's status; and when the route closes (they then see it closed).
   */
  void release() {
    firstAnswer.countDown();
  }

  /**
   * True once an answer (endpoints or an error) has been applied, its snapshot published and
   * waiting requests released. The latch is read first: it is counted down only after the snapshot
   * of the answer was published, so a reader that then reads the route's snapshot sees that one
   * (the answered flag alone is set before publication).
   */
  boolean hasAnswered() {
    return firstAnswer.getCount() == 0 && answered;
  }

  /** The last good answer, or null before the first. */
  DiscoveryUpdate lastGood() {
    return lastGood;
  }

  void eligible(List<Endpoint> endpoints) {
    this.eligible = endpoints;
  }

  /** The discovery error that left the service with no endpoint list at all, or null. */
  Throwable errorWithoutEndpoints() {
    return errorWithoutEndpoints;
  }

  boolean awaitFirstAnswer(long timeoutNanos) throws InterruptedException {
    return firstAnswer.await(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  DiscoveryStatus status() {
    return new DiscoveryStatus(
        service,
        lastGood == null ? List.of() : lastGood.endpoints(),
        eligible == null ? List.of() : eligible,
        lastGood == null ? null : lastGood.attributes(),
        lastUpdateNanos,
        lastError);
  }
}
