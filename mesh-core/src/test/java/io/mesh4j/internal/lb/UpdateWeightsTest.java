package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoint;
import static io.mesh4j.internal.lb.Endpoints.share;
import static io.mesh4j.internal.lb.Endpoints.tally;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickerFactory;
import io.mesh4j.time.MeshClock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policies that support slow start balance by the weights of the update ({@link
 * LoadBalancerUpdate#weight}), which slow start lowers while an endpoint ramps, not by the
 * endpoints' own; and they pick the endpoints as given.
 */
class UpdateWeightsTest {

  static Stream<PickerFactory> factories() {
    return Stream.of(
        (endpoints, update) -> new WeightedRoundRobinPicker(endpoints, update),
        (endpoints, update) -> new RandomPicker(endpoints, update),
        new LeastRequestProvider.Pickers(),
        new PeakEwmaProvider.Pickers(MeshClock.SYSTEM));
  }

  @ParameterizedTest
  @MethodSource("factories")
  void balancesByTheUpdatesWeightsAndPicksTheEndpointsAsGiven(PickerFactory factory) {
    Endpoint light = endpoint(1, 5);
    Endpoint heavy = endpoint(2, 5);
    List<Endpoint> endpoints = List.of(light, heavy);
    LoadBalancerUpdate update =
        Endpoints.update(endpoints).withWeights(Map.of(light.authority(), 1, heavy.authority(), 9));

    var counts = tally(factory.newPicker(endpoints, update), 4000);

    assertThat(counts.keySet()).as("the endpoints as given, own weight and all").isSubsetOf(light, heavy);
    assertThat(share(counts, heavy, 4000)).isGreaterThan(0.8);
  }
}
