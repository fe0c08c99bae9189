package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoint;
import static io.mesh4j.internal.lb.Endpoints.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.EndpointStates;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.OutstandingRequests;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.time.MeshClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class SnapshotLoadBalancerTest {

  private final List<Picker> published = new ArrayList<>();
  private final LoadBalancerContext context =
      new LoadBalancerContext() {
        @Override
        public String serviceName() {
          return "orders";
        }

        @Override
        public MeshClock clock() {
          return MeshClock.SYSTEM;
        }

        @Override
        public Locality locality() {
          return Locality.UNKNOWN;
        }

        @Override
        public ScheduledExecutorService scheduler() {
          throw new UnsupportedOperationException("not used by SnapshotLoadBalancer");
        }

        @Override
        public void updatePicker(Picker picker) {
          published.add(picker);
        }

        @Override
        public Optional<LoadBalancerProvider> policy(String name) {
          return Optional.empty();
        }
      };

  @Test
  void anEmptyListPublishesAPickerThatNamesTheService() {
    new SnapshotLoadBalancer(context, (endpoints, u) -> new RoundRobinPicker(endpoints)).update(update(List.of()));

    PickResult result = published.get(0).pick(PickRequest.empty());

    assertThat(result.hasEndpoint()).isFalse();
    assertThat(result.isPending()).isFalse();
    assertThat(result.reason()).isEqualTo("no endpoints for service orders");
  }

  @Test
  void aRepeatedAddressIsPickedOnlyOnceItsFirstWeightWins() {
    List<List<Endpoint>> built = new ArrayList<>();
    new SnapshotLoadBalancer(
            context,
            (endpoints, u) -> {
              built.add(endpoints);
              return new RoundRobinPicker(endpoints);
            })
        .update(update(List.of(endpoint(1, 2), endpoint(2), endpoint(1, 5))));

    assertThat(built).containsExactly(List.of(endpoint(1, 2), endpoint(2)));
  }

  @Test
  void balancesOverTheLowestPriorityPresentSoTrafficFailsOverWhenItIsGone() {
    Endpoint primary = endpoint(1);
    Endpoint failover = endpoint(2).toBuilder().priority(1).build();
    Endpoint lastResort = endpoint(3).toBuilder().priority(2).build();
    List<List<Endpoint>> built = new ArrayList<>();
    SnapshotLoadBalancer lb =
        new SnapshotLoadBalancer(context, (endpoints, u) -> {
          built.add(endpoints);
          return new RoundRobinPicker(endpoints);
        });

    lb.update(update(List.of(failover, primary, lastResort)));
    lb.update(update(List.of(failover, lastResort)));

    assertThat(built).containsExactly(List.of(primary), List.of(failover));
  }

  @Test
  void stateOfEndpointsThatLeaveIsForgotten() {
    EndpointStates<OutstandingRequests> states =
        new EndpointStates<>(OutstandingRequests::new, OutstandingRequests[]::new);
    OutstandingRequests a = states.retain(List.of(endpoint(1), endpoint(2)))[0];

    OutstandingRequests keptDespiteNewWeight = states.retain(List.of(endpoint(1, 4)))[0];
    states.retain(List.of(endpoint(2)));
    OutstandingRequests afterReturning = states.retain(List.of(endpoint(1)))[0];

    assertThat(keptDespiteNewWeight).isSameAs(a);
    assertThat(afterReturning).isNotSameAs(a);
  }
}
