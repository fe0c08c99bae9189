package io.mesh4j.tracing.internal;

import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asynchronous gauges of what discovery knows per service, read from {@link
 * MeshContext#discoveryStatus} for the services routed at collection time: nothing runs between
 * collections, and services added or removed by a configuration change appear or disappear.
 */
final class DiscoveryMetrics implements AutoCloseable {

  static final String ELIGIBLE = "eligible";
  static final String EXCLUDED = "excluded";

  private final List<AutoCloseable> callbacks = new ArrayList<>();

  DiscoveryMetrics(MeshContext context, Meter meter) {
    callbacks.add(
        meter
            .gaugeBuilder("mesh.service.endpoints")
            .ofLongs()
            .setUnit("{endpoint}")
            .setDescription(
                "Endpoints discovery reports per service, by state: eligible (taking traffic) or"
                    + " excluded (ejected or unhealthy).")
            .buildWithCallback(
                m ->
                    forEachStatus(
                        context,
                        s -> {
                          int eligible = s.eligible().size();
                          int excluded = Math.max(0, s.discovered().size() - eligible);
                          m.record(eligible, endpointState(s.service(), ELIGIBLE));
                          m.record(excluded, endpointState(s.service(), EXCLUDED));
                        })));
    callbacks.add(
        meter
            .gaugeBuilder("mesh.discovery.staleness")
            .setUnit("s")
            .setDescription("Seconds since discovery last answered for the service (a snapshot or an error).")
            .buildWithCallback(
                m ->
                    forEachStatus(
                        context,
                        s -> {
                          if (s.lastUpdateNanos() >= 0) {
                            double age = (context.clock().nanoTime() - s.lastUpdateNanos()) / 1e9;
                            m.record(Math.max(0, age), Attributes.of(MeshAttributes.SERVICE, s.service()));
                          }
                        })));
    callbacks.add(
        meter
            .gaugeBuilder("mesh.discovery.failing")
            .ofLongs()
            .setUnit("1")
            .setDescription("1 when the service's last discovery attempt failed (the last good list is served), else 0.")
            .buildWithCallback(
                m ->
                    forEachStatus(
                        context,
                        s -> m.record(s.lastError() != null ? 1 : 0, Attributes.of(MeshAttributes.SERVICE, s.service())))));
  }

  private static Attributes endpointState(String service, String state) {
    return Attributes.of(MeshAttributes.SERVICE, service, MeshAttributes.ENDPOINT_STATE, state);
  }

  private static void forEachStatus(MeshContext context, java.util.function.Consumer<DiscoveryStatus> action) {
    for (String service : context.services()) {
      Optional<DiscoveryStatus> status = context.discoveryStatus(service);
      status.ifPresent(action);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable callback : callbacks) {
      try {
        callback.close();
      } catch (Exception e) {
        // an instrument that cannot unregister only keeps reporting; nothing to recover
      }
    }
    callbacks.clear();
  }
}
