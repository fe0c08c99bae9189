package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every load-balancing policy must do, whatever its algorithm. Subclass it with the policy's
 * provider:
 *
 * <pre>{@code
 * class MyPolicyConformanceTest extends LoadBalancerConformanceSuite {
 *   protected LoadBalancerProvider provider() { return new MyPolicyProvider(); }
 * }
 * }</pre>
 *
 * Requests alternate between no hash key and distinct hash keys, so hashing policies are exercised
 * on both paths. Nothing here sleeps or binds a port.
 */
public abstract class LoadBalancerConformanceSuite {

  protected static final String SERVICE = "orders";

  private static final int PICKS = 200;

  protected TestLoadBalancerContext context;
  protected LoadBalancer loadBalancer;

  /** The policy under test. */
  protected abstract LoadBalancerProvider provider();

  /** The context the policy is created with; override to set the policy's keys or a clock. */
  protected TestLoadBalancerContext newContext() {
    return TestLoadBalancerContext.of(SERVICE);
  }

  @BeforeEach
  void createLoadBalancer() {
    context = newContext();
    loadBalancer = provider().newLoadBalancer(context);
  }

  @AfterEach
  void closeLoadBalancer() {
    loadBalancer.close();
    context.close();
  }

  @Test
  void hasANameAndDeclaresOnlyPerServiceKeys() {
    assertThat(provider().name()).isNotBlank().matches("[a-z0-9-]+");
    for (ConfigKey<?> key : provider().serviceKeys()) {
      assertThat(key.scope()).as("scope of %s", key).isEqualTo(ConfigKey.Scope.SERVICE);
    }
  }

  @Test
  void picksOnlyFromTheCurrentEndpoints() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    loadBalancer.update(context.update(endpoints));

    Set<Endpoint> picked = new HashSet<>();
    for (int i = 0; i < PICKS; i++) {
      picked.add(pickedEndpoint(context.picker(), request(i)));
    }

    assertThat(endpoints).containsAll(picked);
  }

  @Test
  void anEmptyEndpointListGivesNoEndpointNamingTheService() {
    loadBalancer.update(context.update(endpoints(1, 2)));
    loadBalancer.update(context.update(List.of()));

    for (int i = 0; i < 4; i++) {
      PickResult result = context.pick(request(i));
      assertThat(result.hasEndpoint()).isFalse();
      assertThat(result.isPending()).as("an empty list is an answer, not 'not yet'").isFalse();
      assertThat(result.reason()).contains(SERVICE);
    }
  }

  @Test
  void prefersEndpointsNotInTheAvoidSet() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    loadBalancer.update(context.update(endpoints));
    Set<Endpoint> tried = Set.of(endpoints.get(0), endpoints.get(1));

    for (int i = 0; i < PICKS; i++) {
      PickRequest retry = new PickRequest(request(i).hashKey(), tried);
      assertThat(pickedEndpoint(context.picker(), retry)).isEqualTo(endpoints.get(2));
    }
  }

  @Test
  void fallsBackToAnAvoidedEndpointWhenNoOtherIsLeft() {
    List<Endpoint> endpoints = endpoints(1, 2);
    loadBalancer.update(context.update(endpoints));

    for (int i = 0; i < PICKS; i++) {
      PickRequest retry = new PickRequest(request(i).hashKey(), Set.copyOf(endpoints));
      assertThat(pickedEndpoint(context.picker(), retry)).isIn(endpoints);
    }
  }

  /**
   * Hedging: the hedge is picked while the first attempt is still outstanding and avoids its
   * endpoint; the first is then cancelled, and its tracker told so ({@code success=false}, the time
   * until cancellation), after the hedge's. The policy keeps every endpoint reachable afterwards.
   */
  @Test
  void aHedgeWhileTheFirstAttemptIsOutstandingGoesElsewhereAndTheCancelledOneLeavesEveryEndpointReachable() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    loadBalancer.update(context.update(endpoints));

    for (int i = 0; i < PICKS; i++) {
      Picker picker = context.picker();
      PickResult first = picker.pick(request(i));
      assertThat(first.hasEndpoint()).isTrue();
      PickResult hedge = picker.pick(new PickRequest(request(i).hashKey(), Set.of(first.endpoint())));
      assertThat(hedge.hasEndpoint()).isTrue();
      assertThat(hedge.endpoint()).isNotEqualTo(first.endpoint());
      hedge.tracker().onComplete(1_000_000, true);
      first.tracker().onComplete(20_000_000, false);
    }
    for (Endpoint e : endpoints) {
      Set<Endpoint> others = new HashSet<>(endpoints);
      others.remove(e);
      assertThat(pickedEndpoint(context.picker(), new PickRequest(null, others))).isEqualTo(e);
    }
  }

  @Test
  void publishesANewPickerOnEveryUpdate() {
    List<Picker> seen = new ArrayList<>();

    loadBalancer.update(context.update(endpoints(1, 2)));
    seen.add(context.picker());
    loadBalancer.update(context.update(endpoints(1, 2, 3)));
    seen.add(context.picker());
    loadBalancer.update(context.update(endpoints(1, 2, 3)));
    seen.add(context.picker());
    loadBalancer.update(context.update(List.of()));
    seen.add(context.picker());

    assertThat(context.pickerUpdates()).isEqualTo(4);
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void neverPicksARemovedEndpointAfterTheUpdate() {
    loadBalancer.update(context.update(endpoints(1, 2, 3, 4)));
    Picker before = context.picker();
    exercise(before);

    List<Endpoint> remaining = endpoints(2, 4);
    loadBalancer.update(context.update(remaining));

    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(remaining);
    }
  }

  @Test
  void keepsWorkingWhenTrackersOfRemovedEndpointsReportLate() {
    loadBalancer.update(context.update(endpoints(1, 2, 3)));
    List<PickResult> inFlight = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      inFlight.add(context.pick(request(i)));
    }

    loadBalancer.update(context.update(endpoints(4)));
    inFlight.forEach(r -> r.tracker().onComplete(5_000_000, false));

    assertThat(pickedEndpoint(context.picker(), request(0))).isEqualTo(endpoint(4));
  }

  @Test
  void survivesConcurrentPicksWhileEndpointsChange() throws Exception {
    List<List<Endpoint>> lists =
        List.of(endpoints(1, 2, 3), endpoints(2, 3, 4), endpoints(4, 5), endpoints(1, 5, 6, 7));
    Set<Endpoint> everEligible = new HashSet<>();
    lists.forEach(everEligible::addAll);
    loadBalancer.update(context.update(lists.get(0)));
    AtomicBoolean updating = new AtomicBoolean(true);
    ExecutorService pickers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pickers.submit(
                () -> {
                  int picks = 0;
                  while (updating.get() || picks < PICKS) {
                    PickResult r = context.pick(request(picks++));
                    assertThat(r.hasEndpoint()).as("picked %s", r).isTrue();
                    assertThat(r.endpoint()).isIn(everEligible);
                    r.tracker().onComplete(1_000_000, picks % 7 != 0);
                  }
                  return picks;
                }));
      }
      for (int update = 0; update < 400; update++) {
        loadBalancer.update(context.update(lists.get(update % lists.size())));
      }
      updating.set(false);
      for (Future<Integer> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(PICKS);
      }
    } finally {
      pickers.shutdownNow();
      assertThat(pickers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    List<Endpoint> last = lists.get(399 % lists.size());
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(last);
    }
  }

  @Test
  void picksOnlyTheLowestPriorityPresentAndFailsOverWhenItIsGone() {
    Endpoint primary1 = endpoint(1);
    Endpoint primary2 = endpoint(2);
    Endpoint failover = endpoint(3).toBuilder().priority(1).build();
    loadBalancer.update(context.update(List.of(failover, primary1, primary2)));

    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(primary1, primary2);
    }

    // the mesh's filters removed both primaries (ejected, unhealthy): the next priority takes over
    loadBalancer.update(context.update(List.of(failover)));
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isEqualTo(failover);
    }
  }

  @Test
  void picksTheEndpointsAsGivenWithTheirAttributes() {
    Endpoint zoned =
        Endpoint.builder("10.0.0.1", 8080)
            .weight(3)
            .locality(new Locality("eu", "eu-1a", "rack-7"))
            .metadata("version", "v2")
            .build();
    Endpoint other = Endpoint.builder("10.0.0.2", 8080).locality(Locality.zone("eu-1b")).build();
    context.setLocality(new Locality("eu", "eu-1a", ""));
    loadBalancer.update(context.update(List.of(zoned, other)));

    for (int i = 0; i < PICKS; i++) {
      Endpoint picked = pickedEndpoint(context.picker(), request(i));
      // endpoints as discovery reported them, attributes and all: stages and metrics read them
      assertThat(picked).isIn(zoned, other);
    }
  }

  /** Each policy's own tests check what its keys do; every policy must accept a new config on any update. */
  @Test
  void keepsPickingWhenTheConfigurationChangesBetweenUpdates() {
    loadBalancer.update(context.update(endpoints(1, 2)));
    Map<ConfigKey<?>, Object> explicitDefaults = new HashMap<>();
    for (ConfigKey<?> key : provider().serviceKeys()) {
      if (key.defaultValue() != null) {
        explicitDefaults.put(key, key.defaultValue());
      }
    }
    context.setConfig(explicitDefaults);

    loadBalancer.update(context.update(endpoints(1, 2, 3)));

    assertThat(context.pickerUpdates()).isEqualTo(2);
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(endpoints(1, 2, 3));
    }
  }

  @Test
  void itsLastPickerKeepsWorkingAfterClose() {
    loadBalancer.update(context.update(endpoints(1, 2)));
    Picker last = context.picker();
    List<PickResult> inFlight = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inFlight.add(last.pick(request(i)));
    }

    loadBalancer.close(); // a policy switch: requests that started on it still finish on it

    inFlight.forEach(r -> r.tracker().onComplete(1_000_000, true));
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(last, request(i))).isIn(endpoints(1, 2));
    }
  }

  /** Request {@code i}: every other one carries a hash key, distinct per {@code i}. */
  protected PickRequest request(int i) {
    return i % 2 == 0 ? PickRequest.empty() : PickRequest.withHashKey("key-" + i);
  }

  /** Endpoint {@code 10.0.0.<i>:8080}. */
  protected static Endpoint endpoint(int i) {
    return Endpoint.of("10.0.0." + i, 8080);
  }

  protected static List<Endpoint> endpoints(int... ids) {
    List<Endpoint> out = new ArrayList<>();
    for (int id : ids) {
      out.add(endpoint(id));
    }
    return out;
  }

  /** Picks, asserts an endpoint was chosen, and completes the attempt. */
  protected static Endpoint pickedEndpoint(Picker picker, PickRequest request) {
    PickResult result = picker.pick(request);
    assertThat(result.hasEndpoint()).as("picked %s", result).isTrue();
    assertThat(result.tracker()).isNotNull();
    result.tracker().onComplete(1_000_000, true);
    return result.endpoint();
  }

  private void exercise(Picker picker) {
    for (int i = 0; i < PICKS; i++) {
      pickedEndpoint(picker, request(i));
    }
  }
}
