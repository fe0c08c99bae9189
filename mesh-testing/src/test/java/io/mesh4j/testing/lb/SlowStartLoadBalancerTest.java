package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.SlowStartLoadBalancer;
import io.mesh4j.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ramp itself, on a manual clock, through what the wrapped policy is fed: {@link
 * LoadBalancerUpdate#weight} of each endpoint. (What traffic does with those weights is the
 * conformance suite's slow-start block, for every built-in policy.)
 */
class SlowStartLoadBalancerTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock();
  private final Map<ConfigKey<?>, Object> keys = new HashMap<>(Map.of(LoadBalancerKeys.SLOW_START_WINDOW, WINDOW));
  private final TestLoadBalancerContext context =
      TestLoadBalancerContext.forService("orders").clock(clock).set(LoadBalancerKeys.SLOW_START_WINDOW, WINDOW).build();
  private final Recording child = new Recording();
  private final LoadBalancer slowStart = new SlowStartLoadBalancer(context, child);

  @AfterEach
  void close() {
    slowStart.close();
    context.close();
  }

  @Test
  void endpointsOfTheFirstUpdateAreNotRamped() {
    slowStart.update(context.update(endpoints(1, 2, 3)));

    assertThat(child.last.weights()).isEmpty();
    assertThat(child.last.endpoints()).isEqualTo(endpoints(1, 2, 3));
  }

  @Test
  void aNewEndpointStartsAtTheMinimumWeightAndRampsLinearlyToItsFullWeight() {
    slowStart.update(context.update(endpoints(1, 2, 3)));

    slowStart.update(context.update(endpoints(1, 2, 3, 4)));
    int atJoin = child.last.weight(endpoint(4));
    int others = child.last.weight(endpoint(1));
    clock.advance(WINDOW.multipliedBy(3).dividedBy(10));
    slowStart.update(context.update(endpoints(1, 2, 3, 4)));
    int atThirtyPercent = child.last.weight(endpoint(4));
    clock.advance(WINDOW);
    slowStart.update(context.update(endpoints(1, 2, 3, 4)));

    assertThat(others).isEqualTo(100);
    assertThat(atJoin).as("min-weight-percent 10").isEqualTo(10);
    assertThat(atThirtyPercent).isEqualTo(30);
    assertThat(child.last.weights()).as("ramp over: plain updates again").isEmpty();
    assertThat(child.last.endpoints()).as("the endpoints as given, always").isEqualTo(endpoints(1, 2, 3, 4));
  }

  @Test
  void aggressionAndMinimumWeightShapeTheRamp() {
    keys.put(LoadBalancerKeys.SLOW_START_AGGRESSION, 2.0);
    keys.put(LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT, 1);
    context.setConfig(keys);
    slowStart.update(context.update(endpoints(1, 2)));
    slowStart.update(context.update(endpoints(1, 2, 3)));
    int atJoin = child.last.weight(endpoint(3));

    clock.advance(WINDOW.dividedBy(4));
    slowStart.update(context.update(endpoints(1, 2, 3)));

    assertThat(atJoin).isEqualTo(1);
    assertThat(child.last.weight(endpoint(3))).as("(1/4)^(1/2) of 100").isEqualTo(50);
  }

  @Test
  void weightsKeepTheirProportionsWhileScaled() {
    Endpoint heavy = endpoint(1).withWeight(3);
    Endpoint joining = endpoint(2).withWeight(2);
    slowStart.update(context.update(List.of(heavy)));

    slowStart.update(context.update(List.of(heavy, joining)));

    assertThat(child.last.weight(heavy)).isEqualTo(300);
    assertThat(child.last.weight(joining)).isEqualTo(20);
  }

  @Test
  void anEndpointReAdmittedAfterLeavingTheListRampsAgain() {
    slowStart.update(context.update(endpoints(1, 2, 3, 4)));
    slowStart.update(context.update(endpoints(1, 2, 3))); // 4 ejected, unhealthy or draining
    clock.advance(Duration.ofMinutes(5));

    slowStart.update(context.update(endpoints(1, 2, 3, 4)));

    assertThat(child.last.weight(endpoint(4))).isEqualTo(10);
  }

  @Test
  void laterUpdatesDoNotRestartARampUnderWay() {
    slowStart.update(context.update(endpoints(1, 2)));
    slowStart.update(context.update(endpoints(1, 2, 3)));
    clock.advance(WINDOW.dividedBy(2));

    slowStart.update(context.update(endpoints(1, 2, 3, 4)));

    assertThat(child.last.weight(endpoint(3))).isEqualTo(50);
    assertThat(child.last.weight(endpoint(4))).isEqualTo(10);
  }

  @Test
  void endpointsComingBackToAServiceThatHadNoneAreNotRamped() {
    slowStart.update(context.update(endpoints(1, 2)));
    slowStart.update(context.update(List.of()));

    slowStart.update(context.update(endpoints(1, 2, 3)));

    assertThat(child.last.weights()).isEmpty();
  }

  @Test
  void aLiveChangeOfTheWindowAppliesToTheRampsUnderWay() {
    slowStart.update(context.update(endpoints(1, 2)));
    slowStart.update(context.update(endpoints(1, 2, 3)));
    clock.advance(Duration.ofSeconds(2));
    slowStart.update(context.update(endpoints(1, 2, 3)));
    int withTenSeconds = child.last.weight(endpoint(3));

    keys.put(LoadBalancerKeys.SLOW_START_WINDOW, Duration.ofSeconds(4));
    context.setConfig(keys);
    slowStart.update(context.update(endpoints(1, 2, 3)));
    int withFourSeconds = child.last.weight(endpoint(3));
    keys.put(LoadBalancerKeys.SLOW_START_WINDOW, Duration.ZERO);
    context.setConfig(keys);
    slowStart.update(context.update(endpoints(1, 2, 3)));

    assertThat(withTenSeconds).isEqualTo(20);
    assertThat(withFourSeconds).isEqualTo(50);
    assertThat(child.last.weights()).as("0s: off").isEmpty();
  }

  @Test
  void theStepTimerFeedsTheChildUntilTheRampEndsThenStops() {
    keys.put(LoadBalancerKeys.SLOW_START_WINDOW, Duration.ofSeconds(2)); // a step every 100 ms
    context.setConfig(keys);
    slowStart.update(context.update(endpoints(1, 2)));
    slowStart.update(context.update(endpoints(1, 2, 3)));
    int fed = child.updates;

    clock.advance(Duration.ofSeconds(3)); // no update comes: only the timer can end the ramp

    await().atMost(Duration.ofSeconds(10)).until(() -> child.last.weights().isEmpty());
    assertThat(child.updates).isGreaterThan(fed);
    assertThat(pendingTasks()).as("no step scheduled once the ramp is over").isEmpty();
  }

  @Test
  void closeCancelsTheStepTimerAndClosesTheChild() {
    keys.put(LoadBalancerKeys.SLOW_START_WINDOW, Duration.ofHours(1));
    context.setConfig(keys);
    slowStart.update(context.update(endpoints(1, 2)));
    slowStart.update(context.update(endpoints(1, 2, 3)));
    assertThat(pendingTasks()).hasSize(1);

    slowStart.close();

    assertThat(pendingTasks()).isEmpty();
    assertThat(child.closed).isTrue();
  }

  @Test
  void onlyPoliciesThatSupportSlowStartAreWrapped() {
    for (String name : List.of("weighted-round-robin", "random", "least-request", "peak-ewma")) {
      LoadBalancerProvider policy = context.policy(name).orElseThrow();
      assertThat(policy.supportsSlowStart()).as(name).isTrue();
      assertThat(SlowStartLoadBalancer.around(policy, context)).as(name).isInstanceOf(SlowStartLoadBalancer.class);
    }
    for (String name : List.of("round-robin", "ring-hash", "maglev")) {
      LoadBalancerProvider policy = context.policy(name).orElseThrow();
      assertThat(policy.supportsSlowStart()).as(name).isFalse();
      assertThat(SlowStartLoadBalancer.around(policy, context)).as(name).isNotInstanceOf(SlowStartLoadBalancer.class);
    }
  }

  private List<Future<?>> pendingTasks() {
    List<Future<?>> pending = new ArrayList<>();
    for (Runnable task : ((ScheduledThreadPoolExecutor) context.scheduler()).getQueue()) {
      Future<?> f = (Future<?>) task;
      if (!f.isDone()) {
        pending.add(f);
      }
    }
    return pending;
  }

  private static Endpoint endpoint(int i) {
    return Endpoint.of("10.0.0." + i, 8080);
  }

  private static List<Endpoint> endpoints(int... ids) {
    List<Endpoint> out = new ArrayList<>();
    for (int id : ids) {
      out.add(endpoint(id));
    }
    return out;
  }

  /** A policy that records what it is fed. */
  private static final class Recording implements LoadBalancerProvider {
    volatile LoadBalancerUpdate last;
    volatile int updates;
    volatile boolean closed;

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public boolean supportsSlowStart() {
      return true;
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      return new LoadBalancer() {
        @Override
        public void update(LoadBalancerUpdate update) {
          last = update;
          updates++;
          context.updatePicker(request -> PickResult.noEndpoint("recording"));
        }

        @Override
        public void close() {
          closed = true;
        }
      };
    }
  }
}
