package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.internal.lb.LeastRequestProvider;
import io.mesh4j.internal.lb.RingHashProvider;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.MeshLoadBalancers;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.lb.PriorityLoadBalancer;
import io.mesh4j.lb.ZoneAwareLoadBalancer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the mesh's priority and zone wrappers run their child policies; the routing rules are in the conformance suite. */
class ZoneAndPriorityWrappersTest {

  private final TestLoadBalancerContext context =
      TestLoadBalancerContext.forService("orders").locality(Locality.zone("a")).build();
  private final Recording recording = new Recording();

  @AfterEach
  void closeContext() {
    context.close();
  }

  private static Endpoint at(String zone, int i) {
    return Endpoint.builder("10.2." + (zone.isEmpty() ? 9 : zone.charAt(0) - 'a') + "." + i, 8080)
        .locality(Locality.zone(zone)).build();
  }

  private static List<Endpoint> zone(String zone, int count) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(at(zone, i));
    }
    return out;
  }

  private static List<Endpoint> plus(List<Endpoint> a, List<Endpoint> b) {
    List<Endpoint> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private Endpoint pick(PickRequest request) {
    PickResult r = context.pick(request);
    assertThat(r.hasEndpoint()).as("picked %s", r).isTrue();
    r.tracker().onComplete(1_000_000, true);
    return r.endpoint();
  }

  @Test
  void aChildPolicyPerZoneLivesAsLongAsItsZone() {
    LoadBalancer zoneAware = new ZoneAwareLoadBalancer(context, recording);

    zoneAware.update(context.update(plus(zone("a", 3), zone("b", 3))));
    zoneAware.update(context.update(plus(zone("a", 2), zone("b", 3)))); // same zones: same children
    assertThat(recording.created).hasSize(2);
    assertThat(recording.closed()).isZero();

    zoneAware.update(context.update(plus(zone("a", 3), zone("c", 3)))); // b gone, c new
    assertThat(recording.created).hasSize(3);
    assertThat(recording.closed()).isEqualTo(1);
    assertThat(recording.created.get(1).closed).as("b's child").isTrue();

    zoneAware.close();
    assertThat(recording.closed()).isEqualTo(3);
  }

  @Test
  void zoneAwareOffRunsOneChildOverEveryEndpointAsThePolicyAlone() {
    LoadBalancer zoneAware = new ZoneAwareLoadBalancer(context, recording);
    context.setConfig(Map.of(LoadBalancerKeys.ZONE_AWARE, false));

    zoneAware.update(context.update(plus(zone("a", 3), zone("b", 3))));

    assertThat(recording.created).hasSize(1);
    assertThat(recording.created.get(0).last.endpoints()).hasSize(6);
    assertThat(context.picker()).as("the child's own picker").isSameAs(recording.created.get(0).published);
  }

  @Test
  void withoutAClientZoneOrZonedEndpointsTheWrapperIsThePolicyAlone() {
    LoadBalancer zoneAware = new ZoneAwareLoadBalancer(context, recording);

    zoneAware.update(context.update(List.of(Endpoint.of("10.3.0.1", 80), Endpoint.of("10.3.0.2", 80))));
    assertThat(context.picker()).isSameAs(recording.created.get(0).published);

    context.setLocality(Locality.UNKNOWN);
    zoneAware.update(context.update(plus(zone("a", 3), zone("b", 3))));
    assertThat(recording.created).hasSize(1);
    assertThat(context.picker()).isSameAs(recording.created.get(0).published);
  }

  @Test
  void endpointsWithoutAZoneAreAZoneOfTheirOwnNeverTheLocalOne() {
    try (LoadBalancer zoneAware = new ZoneAwareLoadBalancer(context, new RoundRobinLike())) {
      zoneAware.update(context.update(plus(zone("", 3), zone("a", 3))));

      for (int i = 0; i < 100; i++) {
        assertThat(pick(PickRequest.empty()).zone()).isEqualTo("a");
      }
    }
  }

  @Test
  void publishesOnePickerPerUpdateOnceEveryChildHasOne() {
    LoadBalancer zoneAware = new ZoneAwareLoadBalancer(context, recording);
    recording.publishOnUpdate = false;

    zoneAware.update(context.update(plus(zone("a", 3), zone("b", 3))));
    assertThat(context.pickerUpdates()).as("a child has no picker yet").isZero();

    recording.created.get(0).publishNow();
    assertThat(context.pickerUpdates()).isZero();
    recording.created.get(1).publishNow();
    assertThat(context.pickerUpdates()).isEqualTo(1);

    recording.publishOnUpdate = true;
    zoneAware.update(context.update(plus(zone("a", 3), zone("b", 3))));
    assertThat(context.pickerUpdates()).as("two children publish, the parent once").isEqualTo(2);
  }

  @Test
  void aChildThatPublishesOnItsOwnGetsANewCombinedPickerPublished() {
    LoadBalancer zoneAware = new ZoneAwareLoadBalancer(context, recording);
    context.setConfig(Map.of(LoadBalancerKeys.ZONE_AWARE_MIN_CLUSTER_SIZE, 1));
    zoneAware.update(context.update(zone("a", 2), List.of(at("a", 3))));
    Picker before = context.picker();

    recording.created.get(0).publishNow(); // a timer of the child's, say

    assertThat(context.pickerUpdates()).isEqualTo(2);
    assertThat(context.picker()).isNotSameAs(before);

    Recorded gone = recording.created.get(0);
    zoneAware.close();
    gone.publishNow();
    assertThat(context.pickerUpdates()).as("a closed child is not heard").isEqualTo(2);
  }

  @Test
  void eachEndpointKeepsItsStateAcrossUpdatesInsideItsZone() {
    try (LoadBalancer chain = MeshLoadBalancers.wrap(new LeastRequestProvider(), context)) {
      List<Endpoint> a = zone("a", 2);
      chain.update(context.update(plus(a, zone("b", 4))));
      PickResult busy = context.pick(PickRequest.empty()); // one of zone a's two holds a request
      assertThat(busy.endpoint()).isIn(a);
      Endpoint idle = busy.endpoint().equals(a.get(0)) ? a.get(1) : a.get(0);

      chain.update(context.update(plus(a, zone("b", 5)))); // a change in another zone

      // least-request still counts the busy one's outstanding request: the other wins every pick
      for (int i = 0; i < 50; i++) {
        assertThat(pick(PickRequest.empty())).isEqualTo(idle);
      }
      busy.tracker().onComplete(1_000_000, true);
    }
  }

  @Test
  void aHashKeyKeepsItsEndpointWhileTrafficIsSplitBetweenZones() {
    context.setConfig(Map.of(LoadBalancerKeys.HASH_HEADER, "x-user"));
    try (LoadBalancer chain = MeshLoadBalancers.wrap(new RingHashProvider(), context)) {
      List<Endpoint> a = zone("a", 3);
      // a: 2 of 3 healthy, so about 20 % spills to b
      chain.update(context.update(plus(a.subList(0, 2), zone("b", 3)), a.subList(2, 3)));
      Set<String> zones = new HashSet<>();
      for (int key = 0; key < 200; key++) {
        Endpoint first = pick(PickRequest.withHashKey("user-" + key));
        zones.add(first.zone());
        for (int again = 0; again < 3; again++) {
          assertThat(pick(PickRequest.withHashKey("user-" + key))).isEqualTo(first);
        }
      }
      assertThat(zones).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void nestedParentsNeverDeadlockWhenChildrenPublishFromTheirOwnThreads() throws Exception {
    LoadBalancer chain = new PriorityLoadBalancer(context, p -> new ZoneAwareLoadBalancer(p, recording));
    List<Endpoint> endpoints = plus(zone("a", 3), zone("b", 3));
    chain.update(context.update(endpoints));
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService timers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        done.add(timers.submit(() -> {
          while (running.get()) {
            for (Recorded child : recording.created) {
              child.publishNow();
            }
          }
        }));
      }
      for (int i = 0; i < 500; i++) {
        chain.update(context.update(i % 2 == 0 ? endpoints : endpoints.subList(0, 5)));
        assertThat(pick(PickRequest.empty())).isIn(endpoints);
      }
      running.set(false);
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      running.set(false);
      timers.shutdownNow();
      assertThat(timers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    chain.close();
  }

  /** A round-robin-like policy that records its instances and can publish when told. */
  static final class Recording implements LoadBalancerProvider {
    final List<Recorded> created = new CopyOnWriteArrayList<>();
    volatile boolean publishOnUpdate = true;

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      Recorded r = new Recorded(context, this);
      created.add(r);
      return r;
    }

    int closed() {
      return (int) created.stream().filter(r -> r.closed).count();
    }
  }

  static final class Recorded implements LoadBalancer {
    private final LoadBalancerContext context;
    private final Recording owner;
    volatile LoadBalancerUpdate last;
    volatile Picker published;
    volatile boolean closed;

    Recorded(LoadBalancerContext context, Recording owner) {
      this.context = context;
      this.owner = owner;
    }

    @Override
    public void update(LoadBalancerUpdate update) {
      last = update;
      if (owner.publishOnUpdate) {
        publishNow();
      }
    }

    void publishNow() {
      LoadBalancerUpdate u = last;
      if (u == null) {
        return;
      }
      List<Endpoint> endpoints = u.endpoints();
      Picker p = request -> endpoints.isEmpty()
          ? PickResult.noEndpoint("none in " + context.serviceName())
          : PickResult.of(endpoints.get(0));
      published = p;
      context.updatePicker(p);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Round-robin by name, for tests that only need picks spread within a zone. */
  static final class RoundRobinLike implements LoadBalancerProvider {
    @Override
    public String name() {
      return "round-robin-like";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      return context.policy("round-robin").orElseThrow().newLoadBalancer(context);
    }
  }
}
