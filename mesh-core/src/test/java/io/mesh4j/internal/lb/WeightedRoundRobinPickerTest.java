package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.tally;
import static io.mesh4j.internal.lb.Endpoints.update;
import static io.mesh4j.internal.lb.Endpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinPickerTest {

  @Test
  void sharesFollowWeightsExactlyOverWholePeriods() {
    List<Endpoint> endpoints = weighted(1, 2, 3);

    var counts = tally(new WeightedRoundRobinPicker(endpoints, update(endpoints)), 6000);

    assertThat(counts)
        .containsEntry(endpoints.get(0), 1000)
        .containsEntry(endpoints.get(1), 2000)
        .containsEntry(endpoints.get(2), 3000);
  }

  @Test
  void interleavesTheHeavyEndpointInsteadOfSendingItABurst() {
    List<Endpoint> endpoints = weighted(5, 1, 1);
    WeightedRoundRobinPicker picker = new WeightedRoundRobinPicker(endpoints, update(endpoints));

    int longestRun = 0;
    int run = 0;
    for (int i = 0; i < 70; i++) {
      run = picker.pick(PickRequest.empty()).endpoint().equals(endpoints.get(0)) ? run + 1 : 0;
      longestRun = Math.max(longestRun, run);
    }

    // plain weighted RR sends a,a,a,a,a,b,c: a run as long as the weight
    assertThat(longestRun).isLessThan(5);
  }

  @Test
  void scheduleIsTheSmoothNginxSequence() {
    int[] schedule = SmoothWeightedSchedule.of(weighted(5, 1, 1).toArray(new Endpoint[0]));

    assertThat(schedule).containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void hugeWeightsAreScaledToABoundedScheduleKeepingTheirRatio() {
    Endpoint[] endpoints = weighted(3_000_000, 1_000_000, 7).toArray(new Endpoint[0]);

    int[] schedule = SmoothWeightedSchedule.of(endpoints);

    assertThat(schedule.length).isLessThanOrEqualTo(SmoothWeightedSchedule.MAX_PERIOD + 3);
    long heavy = java.util.Arrays.stream(schedule).filter(i -> i == 0).count();
    long medium = java.util.Arrays.stream(schedule).filter(i -> i == 1).count();
    assertThat((double) heavy / medium).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(schedule).contains(2); // the tiny weight still gets a turn
  }

  @Test
  void weightsSharingAFactorGiveAShortPeriod() {
    int[] schedule = SmoothWeightedSchedule.of(weighted(100, 200, 300).toArray(new Endpoint[0]));

    assertThat(schedule).hasSize(6);
  }
}
