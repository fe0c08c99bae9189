package io.mesh4j.lb;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slow start (Envoy's {@code slow_start_config}, Armeria's weight ramp-up) around a policy that
 * balances by weight: an endpoint that joins while the service already has endpoints — a new one,
 * or one re-admitted after outlier ejection, a failed health check or draining — gets its weight
 * scaled down, then ramped up over {@code lb.slow-start.window}, so a cold backend does not get its
 * full share at once:
 *
 * <pre>
 * weight × max(min-weight-percent / 100, (time since it joined / window) ^ (1 / aggression))
 * </pre>
 *
 * An endpoint is ramped only when it joins a service that had endpoints in the previous update:
 * a starting client (or a new policy after a switch) does not ramp what it finds, nor do endpoints
 * that come back to a service that had none (they get all its traffic anyway). Updates and the
 * step timer both re-evaluate the ramps on the context's clock.
 *
 * <p>It composes rather than changes the policy: the child gets the same endpoints with ramped
 * weights in {@link LoadBalancerUpdate#weights()} (every weight × {@link #WEIGHT_SCALE} while any
 * endpoint ramps, so a ramping weight moves in 1 % steps), and is fed again on the context's
 * scheduler every step ({@code window / 20}, from 100 ms to 1 s) until the ramps end. The child's
 * pickers are published as they are: a pick costs what the child's costs (its weighted draw), and
 * picks, retries' {@code avoid} sets and metrics see the endpoints as discovery reported them.
 * When nothing ramps — the window is 0 (the default) or every ramp ended — the child gets the
 * updates unchanged. The window and the other keys are read on every update, so a live change
 * applies to the ramps under way.
 *
 * <p>The mesh wraps every policy whose {@link LoadBalancerProvider#supportsSlowStart()} is true
 * ({@link #around}); a parent policy can wrap its children the same way.
 */
public final class SlowStartLoadBalancer implements LoadBalancer {

  private static final Logger log = LoggerFactory.getLogger(SlowStartLoadBalancer.class);

  /** While anything ramps, weights are multiplied by this: a ramping weight moves in 1 % steps. */
  static final int WEIGHT_SCALE = 100;

  /** The child is fed again this many times over a window ... */
  static final int STEPS = 20;

  /** ... but not more often than this ... */
  static final Duration MIN_STEP = Duration.ofMillis(100);

  /** ... nor less often than this. */
  static final Duration MAX_STEP = Duration.ofSeconds(1);

  private final LoadBalancerContext context;
  private final LoadBalancer child;
  private final Object lock = new Object();
  // guarded by lock:
  /** When each eligible endpoint joined (nanoTime), by authority; null: present from the start. */
  private Map<String, Long> joinedAt = new HashMap<>();
  private LoadBalancerUpdate last;
  private ScheduledFuture<?> step;
  private boolean closed;

  /** Creates {@code child}'s load balancer with {@code context}, wrapped. */
  public SlowStartLoadBalancer(LoadBalancerContext context, LoadBalancerProvider child) {
    this.context = Objects.requireNonNull(context, "context");
    this.child = Objects.requireNonNull(child.newLoadBalancer(context), "child load balancer");
  }

  /** {@code policy}'s load balancer, wrapped in slow start when the policy supports it. */
  public static LoadBalancer around(LoadBalancerProvider policy, LoadBalancerContext context) {
    return policy.supportsSlowStart() ? new SlowStartLoadBalancer(context, policy) : policy.newLoadBalancer(context);
  }

  @Override
  public void update(LoadBalancerUpdate update) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      long now = context.clock().nanoTime();
      // an endpoint joining a service that has none is not ramped: it gets all traffic anyway
      boolean rampNewcomers = !joinedAt.isEmpty();
      Map<String, Long> next = new HashMap<>();
      for (Endpoint e : update.endpoints()) {
        String authority = e.authority();
        if (!next.containsKey(authority)) {
          next.put(authority, joinedAt.containsKey(authority) ? joinedAt.get(authority) : rampNewcomers ? now : null);
        }
      }
      joinedAt = next;
      last = update;
      feed(now);
    }
  }

  /** Gives the child the last update with the weights ramped as of {@code now}. */
  private void feed(long now) {
    Ramp ramp = Ramp.of(last.config());
    Map<String, Integer> weights = ramp.isOn() ? rampedWeights(ramp, now) : Map.of();
    if (weights.isEmpty()) {
      cancelStep();
      child.update(last);
      return;
    }
    child.update(last.withWeights(weights));
    scheduleStep(ramp.stepNanos());
  }

  /**
   * Every endpoint's weight × {@link #WEIGHT_SCALE}, × its ramp factor for those ramping; empty
   * when none is.
   */
  private Map<String, Integer> rampedWeights(Ramp ramp, long now) {
    List<Endpoint> endpoints = last.endpoints();
    int maxWeight = 1;
    boolean ramping = false;
    for (Endpoint e : endpoints) {
      maxWeight = Math.max(maxWeight, last.weight(e));
      Long since = joinedAt.get(e.authority());
      ramping |= since != null && ramp.factor(now - since) < 1;
    }
    if (!ramping) {
      return Map.of();
    }
    long scale = Math.max(1, Math.min(WEIGHT_SCALE, Integer.MAX_VALUE / maxWeight));
    Map<String, Integer> weights = new HashMap<>();
    for (Endpoint e : endpoints) {
      Long since = joinedAt.get(e.authority());
      double factor = since == null ? 1 : ramp.factor(now - since);
      long full = last.weight(e) * scale;
      weights.putIfAbsent(e.authority(), (int) (factor < 1 ? Math.max(1, Math.round(full * factor)) : full));
    }
    return weights;
  }

  private void scheduleStep(long delayNanos) {
    if (step != null) {
      return;
    }
    try {
      step = context.scheduler().schedule(this::onStep, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // the client is closing: no more steps
    }
  }

  private void onStep() {
    synchronized (lock) {
      step = null;
      if (closed || last == null) {
        return;
      }
      try {
        feed(context.clock().nanoTime());
      } catch (RuntimeException e) {
        log.error("slow start of service '{}': the load balancer rejected a ramp step", context.serviceName(), e);
      }
    }
  }

  private void cancelStep() {
    if (step != null) {
      step.cancel(false);
      step = null;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      cancelStep();
    }
    child.close();
  }

  /** The service's slow-start keys. */
  private record Ramp(long windowNanos, double aggression, double minFactor) {

    static Ramp of(ServiceConfig config) {
      return new Ramp(
          config.get(LoadBalancerKeys.SLOW_START_WINDOW).toNanos(),
          config.get(LoadBalancerKeys.SLOW_START_AGGRESSION),
          config.get(LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT) / 100.0);
    }

    boolean isOn() {
      return windowNanos > 0;
    }

    /** The share of its weight an endpoint that joined {@code elapsedNanos} ago gets; 1 once ramped. */
    double factor(long elapsedNanos) {
      if (elapsedNanos >= windowNanos) {
        return 1;
      }
      double progress = Math.max(0, (double) elapsedNanos / windowNanos);
      double factor = aggression == 1 ? progress : Math.pow(progress, 1 / aggression);
      return Math.min(1, Math.max(minFactor, factor));
    }

    long stepNanos() {
      return Math.min(MAX_STEP.toNanos(), Math.max(MIN_STEP.toNanos(), windowNanos / STEPS));
    }
  }
}
