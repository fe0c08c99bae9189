package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.share;
import static io.mesh4j.internal.lb.Endpoints.tally;
import static io.mesh4j.internal.lb.Endpoints.update;
import static io.mesh4j.internal.lb.Endpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mesh4j.discovery.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomPickerTest {

  // 120,000 picks: one standard deviation of a share is below 0.0015, the tolerance is 0.02
  private static final int PICKS = 120_000;

  @Test
  void sharesFollowWeights() {
    List<Endpoint> endpoints = weighted(1, 2, 3);

    var counts = tally(new RandomPicker(endpoints, update(endpoints)), PICKS);

    assertThat(share(counts, endpoints.get(0), PICKS)).isCloseTo(1 / 6.0, within(0.02));
    assertThat(share(counts, endpoints.get(1), PICKS)).isCloseTo(2 / 6.0, within(0.02));
    assertThat(share(counts, endpoints.get(2), PICKS)).isCloseTo(3 / 6.0, within(0.02));
  }

  @Test
  void equalWeightsShareEqually() {
    List<Endpoint> endpoints = Endpoints.endpoints(4);

    var counts = tally(new RandomPicker(endpoints, update(endpoints)), PICKS);

    for (Endpoint e : endpoints) {
      assertThat(share(counts, e, PICKS)).isCloseTo(0.25, within(0.02));
    }
  }
}
