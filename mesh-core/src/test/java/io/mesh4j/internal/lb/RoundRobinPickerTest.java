package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoints;
import static io.mesh4j.internal.lb.Endpoints.tally;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinPickerTest {

  @Test
  void visitsEveryEndpointOnceBeforeRepeatingAny() {
    List<Endpoint> four = endpoints(4);
    RoundRobinPicker picker = new RoundRobinPicker(four);

    for (int round = 0; round < 5; round++) {
      Set<Endpoint> seen = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        seen.add(picker.pick(PickRequest.empty()).endpoint());
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(four);
    }
  }

  @Test
  void sharesTrafficEquallyAndIgnoresWeights() {
    List<Endpoint> weighted = Endpoints.weighted(1, 2, 3);

    var counts = tally(new RoundRobinPicker(weighted), 3000);

    assertThat(counts.values()).containsOnly(1000);
  }

  @Test
  void eachPickerStartsAtARandomEndpoint() {
    List<Endpoint> four = endpoints(4);
    Set<Endpoint> firstPicks = new HashSet<>();
    // all 50 pickers starting on the same endpoint by chance: 4^-49
    for (int i = 0; i < 50; i++) {
      firstPicks.add(new RoundRobinPicker(four).pick(PickRequest.empty()).endpoint());
    }
    assertThat(firstPicks).hasSizeGreaterThan(1);
  }
}
