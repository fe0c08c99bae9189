package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.time.MeshClock;
import java.util.ArrayList;
import java.util.List;
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
        public ServiceConfig config() {
          throw new UnsupportedOperationException("not read by SnapshotLoadBalancer");
        }

        @Override
        public MeshClock clock() {
          return MeshClock.SYSTEM;
        }

        @Override
        public void updatePicker(Picker picker) {
          published.add(picker);
        }
      };

  @Test
  void anEmptyListPublishesAPickerThatNamesTheService() {
    new SnapshotLoadBalancer(context, RoundRobinPicker::new).updateEndpoints(List.of());

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
            endpoints -> {
              built.add(endpoints);
              return new RoundRobinPicker(endpoints);
            })
        .updateEndpoints(List.of(endpoint(1, 2), endpoint(2), endpoint(1, 5)));

    assertThat(built).containsExactly(List.of(endpoint(1, 2), endpoint(2)));
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
