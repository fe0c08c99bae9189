package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoint;
import static io.mesh4j.internal.lb.Endpoints.share;
import static io.mesh4j.internal.lb.Endpoints.tally;
import static io.mesh4j.internal.lb.Endpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestPickerTest {

  private final LeastRequestProvider.Pickers pickers = new LeastRequestProvider.Pickers();

  @Test
  void avoidsTheEndpointWithManyOutstandingCalls() {
    List<Endpoint> three = Endpoints.endpoints(3);
    Picker onlyFirst = newPicker(List.of(three.get(0)));
    for (int i = 0; i < 50; i++) {
      onlyFirst.pick(PickRequest.empty()); // 50 calls in flight, never completed
    }
    Picker picker = newPicker(three);

    var counts = tally(picker, 1000);

    assertThat(counts).doesNotContainKey(three.get(0));
  }

  @Test
  void completedCallsNoLongerCount() {
    List<Endpoint> two = Endpoints.endpoints(2);
    Picker picker = newPicker(two);
    PickResult first = picker.pick(PickRequest.empty());
    first.tracker().onComplete(1_000, true);

    // both idle again: neither is shunned
    var counts = tally(picker, 2000);

    assertThat(counts).containsOnlyKeys(two);
  }

  @Test
  void outstandingCountsSurviveAnEndpointUpdate() {
    Endpoint a = endpoint(1);
    Endpoint b = endpoint(2);
    Picker onlyA = newPicker(List.of(a));
    for (int i = 0; i < 20; i++) {
      onlyA.pick(PickRequest.empty()); // 20 calls in flight on a
    }

    Picker both = newPicker(List.of(a.withWeight(1), b));
    Map<Endpoint, Integer> next20 = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      next20.merge(both.pick(PickRequest.empty()).endpoint(), 1, Integer::sum);
    }

    // had a's count been reset, a would have taken about half
    assertThat(next20).containsExactly(Map.entry(b, 20));
  }

  @Test
  void idleEndpointsShareTrafficByWeight() {
    List<Endpoint> endpoints = weighted(1, 3);

    var counts = tally(newPicker(endpoints), 100_000);

    assertThat(share(counts, endpoints.get(0), 100_000)).isCloseTo(0.25, within(0.02));
  }

  @Test
  void busyEndpointsCarryOutstandingCallsInProportionToWeight() {
    List<Endpoint> endpoints = weighted(1, 3);
    Picker picker = newPicker(endpoints);
    Map<Endpoint, Integer> inFlight = new HashMap<>();

    for (int i = 0; i < 400; i++) {
      inFlight.merge(picker.pick(PickRequest.empty()).endpoint(), 1, Integer::sum);
    }

    assertThat(inFlight.get(endpoints.get(0))).isBetween(95, 105);
    assertThat(inFlight.get(endpoints.get(1))).isBetween(295, 305);
  }

  private io.mesh4j.lb.Picker newPicker(List<Endpoint> endpoints) {
    return pickers.newPicker(endpoints, Endpoints.update(endpoints));
  }
}
