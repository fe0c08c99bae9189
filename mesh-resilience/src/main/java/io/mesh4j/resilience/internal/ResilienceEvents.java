package io.mesh4j.resilience.internal;

import io.mesh4j.event.BulkheadFull;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.EndpointHealthChanged;
import io.mesh4j.event.EndpointReadmitted;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.PanicModeChanged;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the module's events on the client's event bus and logs them on logger {@code
 * io.mesh4j.resilience}: WARN for trouble, INFO for recovery, DEBUG for per-request events (too
 * many for INFO under load).
 */
final class ResilienceEvents {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.resilience");

  private final MeshEvents bus;

  ResilienceEvents(MeshEvents bus) {
    this.bus = bus;
  }

  void publish(MeshEvent event) {
    logEvent(event);
    bus.publish(event);
  }

  private static void logEvent(MeshEvent event) {
    if (event instanceof CircuitStateChanged e) {
      // a circuit closing again (or switched off by configuration) is not trouble
      boolean trouble = e.to() == CircuitState.OPEN || e.to() == CircuitState.HALF_OPEN;
      String line = "circuit breaker of service '{}': {} -> {}";
      if (trouble) {
        log.warn(line, e.service(), e.from(), e.to());
      } else {
        log.info(line, e.service(), e.from(), e.to());
      }
    } else if (event instanceof EndpointEjected e) {
      log.warn("service '{}': endpoint {} ejected after {} consecutive failures, for {}ms",
          e.service(), e.endpoint().authority(), e.consecutiveFailures(), e.ejectionTime().toMillis());
    } else if (event instanceof EndpointReadmitted e) {
      log.info("service '{}': endpoint {} re-admitted, its ejection time passed", e.service(), e.endpoint().authority());
    } else if (event instanceof EndpointHealthChanged e) {
      if (e.healthy()) {
        log.info("service '{}': endpoint {} healthy again ({})", e.service(), e.endpoint().authority(), e.detail());
      } else {
        log.warn("service '{}': endpoint {} unhealthy ({})", e.service(), e.endpoint().authority(), e.detail());
      }
    } else if (event instanceof PanicModeChanged e) {
      if (e.panic()) {
        log.warn("service '{}' in panic mode: {} of {} endpoints healthy, balancing over all of them",
            e.service(), e.healthy(), e.total());
      } else {
        log.info("service '{}' out of panic mode: {} of {} endpoints healthy", e.service(), e.healthy(), e.total());
      }
    } else if (log.isDebugEnabled()) {
      log.debug("{}", describe(event));
    }
  }

  private static String describe(MeshEvent event) {
    if (event instanceof RetryScheduled e) {
      return "service '" + e.service() + "': retry (" + e.reason() + (e.failedEndpoint() == null ? "" : " on "
          + e.failedEndpoint().authority()) + "), attempt " + e.attempt() + " after " + e.backoff().toMillis() + "ms";
    }
    if (event instanceof RetryDenied e) {
      return "service '" + e.service() + "': no " + ("hedge".equals(e.reason()) ? "hedge" : "retry (" + e.reason() + ")")
          + ", the retry budget is spent";
    }
    if (event instanceof HedgeSent e) {
      return "service '" + e.service() + "': no response after " + e.delay().toMillis() + "ms, hedge sent (attempt "
          + e.attempt() + ")";
    }
    if (event instanceof HedgeWon e) {
      return "service '" + e.service() + "': hedge (attempt " + e.attempt() + ") answered first"
          + (e.endpoint() == null ? "" : ", from " + e.endpoint().authority()) + "; the others were cancelled";
    }
    if (event instanceof CircuitRejected e) {
      return "service '" + e.service() + "': request refused by the " + e.state() + " circuit";
    }
    if (event instanceof BulkheadFull e) {
      return "service '" + e.service() + "': request refused, bulkhead full (" + e.limit() + " in flight)";
    }
    return event.toString();
  }
}
