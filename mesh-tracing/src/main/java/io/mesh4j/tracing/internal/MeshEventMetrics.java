package io.mesh4j.tracing.internal;

import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.ConfigApplied;
import io.mesh4j.event.ConfigNeedsRestart;
import io.mesh4j.event.ConfigRejected;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.event.ServiceRemoved;
import io.mesh4j.event.SvidStatusChanged;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of the client's core events, whichever module publishes them (retries, ejections and
 * circuits from mesh-resilience, the SVID from mesh-tls, reloads from core): counters count events
 * as they come, gauges keep the latest state and are read when the SDK collects. Subscribed when
 * the tracing extension is created, so nothing published while the client starts is missed (state
 * events published earlier are replayed by the bus).
 */
final class MeshEventMetrics implements AutoCloseable {

  private static final Attributes APPLIED = Attributes.of(MeshAttributes.CONFIG_RESULT, "applied");
  private static final Attributes REJECTED = Attributes.of(MeshAttributes.CONFIG_RESULT, "rejected");
  private static final Attributes NEEDS_RESTART = Attributes.of(MeshAttributes.CONFIG_RESULT, "needs_restart");

  private final MeshContext context;
  private final LongCounter retries;
  private final LongCounter budgetExhausted;
  private final LongCounter hedges;
  private final LongCounter hedgeWins;
  private final LongCounter ejections;
  private final LongCounter rejections;
  private final LongCounter reloads;
  private final Map<String, CircuitState> circuits = new ConcurrentHashMap<>();
  private volatile SvidStatusChanged svid;
  private final List<AutoCloseable> instruments = new ArrayList<>();
  private final MeshEvents.Subscription subscription;

  private MeshEventMetrics(MeshContext context, Meter meter) {
    this.context = context;
    retries = counter(meter, "mesh.client.retries", "{retry}", "Retries the mesh decided to make.");
    budgetExhausted =
        counter(meter, "mesh.retry_budget.exhausted", "{retry}", "Retries not made because the retry budget was spent.");
    hedges = counter(meter, "mesh.client.hedges", "{request}", "Hedges sent: requests sent again while unanswered.");
    hedgeWins =
        counter(meter, "mesh.client.hedge_wins", "{request}", "Hedged requests whose response came from a hedge.");
    ejections =
        counter(meter, "mesh.outlier.ejections", "{ejection}", "Endpoints ejected by passive outlier detection.");
    rejections =
        counter(meter, "mesh.circuit_breaker.rejections", "{request}", "Requests refused by an open circuit breaker.");
    reloads =
        counter(
            meter,
            "mesh.config.reloads",
            "{change}",
            "Configuration changes (file reloads, MeshClient.reload/apply) by result: applied, rejected, or"
                + " needs_restart (keys that wait for a new client; the rest applied).");
    instruments.add(
        meter
            .gaugeBuilder("mesh.circuit_breaker.state")
            .ofLongs()
            .setUnit("1")
            .setDescription(
                "1 for the state each service's circuit breaker is in, 0 for the others; a service appears with"
                    + " its first circuit state event.")
            .buildWithCallback(
                m -> {
                  Set<String> routed = context.services();
                  circuits.forEach(
                      (service, current) -> {
                        // a transition of a request that outlived its service's removal is not reported
                        if (routed.contains(service)) {
                          for (CircuitState state : CircuitState.values()) {
                            m.record(state == current ? 1 : 0, circuitAttributes(service, state));
                          }
                        }
                      });
                }));
    instruments.add(
        meter
            .gaugeBuilder("mesh.tls.svid.expiry")
            .ofLongs()
            .setUnit("s")
            .setDescription("Seconds until the workload's SVID expires (negative once expired).")
            .buildWithCallback(
                m -> {
                  SvidStatusChanged s = svid;
                  if (s != null) {
                    m.record((s.notAfter().toEpochMilli() - context.clock().wallMillis()) / 1000, svidAttributes(s));
                  }
                }));
    instruments.add(
        meter
            .counterBuilder("mesh.tls.svid.rotations")
            .setUnit("{rotation}")
            .setDescription("Times a new SVID replaced the previous one.")
            .buildWithCallback(
                m -> {
                  SvidStatusChanged s = svid;
                  if (s != null) {
                    m.record(s.rotations(), svidAttributes(s));
                  }
                }));
    instruments.add(
        meter
            .counterBuilder("mesh.tls.svid.renewal_failures")
            .setUnit("{failure}")
            .setDescription("Renewals or reloads of the SVID that failed.")
            .buildWithCallback(
                m -> {
                  SvidStatusChanged s = svid;
                  if (s != null) {
                    m.record(s.renewalFailures(), svidAttributes(s));
                  }
                }));
    // last: replayed state events may arrive at once, and need the fields above
    subscription = context.events().subscribe(this::onEvent);
  }

  /** Registers the instruments and subscribes to the client's events; close to undo both. */
  static MeshEventMetrics subscribe(MeshContext context, Meter meter) {
    return new MeshEventMetrics(context, meter);
  }

  private static LongCounter counter(Meter meter, String name, String unit, String description) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
  }

  private static Attributes service(MeshEvent event) {
    return Attributes.of(MeshAttributes.SERVICE, event.service());
  }

  private static Attributes circuitAttributes(String service, CircuitState state) {
    return Attributes.of(
        MeshAttributes.SERVICE, service, MeshAttributes.CIRCUIT_STATE, state.name().toLowerCase(Locale.ROOT));
  }

  private static Attributes svidAttributes(SvidStatusChanged status) {
    return Attributes.of(MeshAttributes.SPIFFE_ID, status.spiffeId());
  }

  private void onEvent(MeshEvent event) {
    if (event instanceof RetryScheduled) {
      retries.add(1, service(event));
    } else if (event instanceof RetryDenied) {
      budgetExhausted.add(1, service(event));
    } else if (event instanceof HedgeSent) {
      hedges.add(1, service(event));
    } else if (event instanceof HedgeWon) {
      hedgeWins.add(1, service(event));
    } else if (event instanceof EndpointEjected) {
      ejections.add(1, service(event));
    } else if (event instanceof CircuitRejected) {
      rejections.add(1, service(event));
    } else if (event instanceof CircuitStateChanged changed) {
      if (changed.service() != null && changed.to() != null) { // a malformed event must not break the gauge
        circuits.put(changed.service(), changed.to());
      }
    } else if (event instanceof ServiceRemoved removed) {
      if (removed.service() != null) {
        circuits.remove(removed.service());
      }
    } else if (event instanceof SvidStatusChanged status) {
      if (status.spiffeId() != null && status.notAfter() != null) {
        svid = status;
      }
    } else if (event instanceof ConfigApplied) {
      reloads.add(1, APPLIED);
    } else if (event instanceof ConfigRejected) {
      reloads.add(1, REJECTED);
    } else if (event instanceof ConfigNeedsRestart) {
      reloads.add(1, NEEDS_RESTART);
    }
    // other events (health, panic, bulkhead, discovery) show in mesh.service.endpoints and the
    // discovery gauges, which read the route table itself
  }

  /** Unsubscribes, then unregisters the gauges (counters just stop counting). */
  @Override
  public void close() {
    subscription.close();
    for (AutoCloseable instrument : instruments) {
      try {
        instrument.close();
      } catch (Exception e) {
        // an instrument that cannot unregister only keeps reporting
      }
    }
    instruments.clear();
  }
}
