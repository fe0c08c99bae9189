package io.mesh4j.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriorityLoadTest {

  private static final double FACTOR = 1.4;
  private static int next = 1;

  /** {@code count} endpoints of a priority, fresh addresses each call. */
  private static List<Endpoint> endpoints(int priority, int count) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = next++;
      out.add(Endpoint.builder("10." + (n / 250) + ".0." + (n % 250), 8080).priority(priority).build());
    }
    return out;
  }

  private static List<Endpoint> concat(List<Endpoint> a, List<Endpoint> b) {
    List<Endpoint> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static int[] loads(PriorityLoad load) {
    return load.levels().stream().mapToInt(PriorityLoad.Level::load).toArray();
  }

  /** Envoy's documented table: P0 of 100 endpoints with the given share healthy, P1 all healthy. */
  @ParameterizedTest
  @CsvSource({"100,100,0", "80,100,0", "72,100,0", "71,99,1", "50,70,30", "25,35,65", "0,0,100"})
  void thePreferredPriorityKeepsMinOfAllAndItsHealthyShareTimesTheFactor(int healthyP0, int loadP0, int loadP1) {
    List<Endpoint> p0 = endpoints(0, 100);
    List<Endpoint> p1 = endpoints(1, 10);

    PriorityLoad load = PriorityLoad.of(
        concat(p0.subList(0, healthyP0), p1), p0.subList(healthyP0, 100), FACTOR, 0);

    assertThat(loads(load)).containsExactly(loadP0, loadP1);
    assertThat(load.panic()).isFalse();
  }

  @Test
  void whatThePriorityCannotTakeSpillsToTheNextAndSoOn() {
    List<Endpoint> p0 = endpoints(0, 4);
    List<Endpoint> p1 = endpoints(1, 4);
    List<Endpoint> p2 = endpoints(2, 4);

    // P0 25% healthy (35), P1 50% (70), P2 all: 35 + min(65, 70) + 0
    PriorityLoad load = PriorityLoad.of(
        concat(concat(p0.subList(0, 1), p1.subList(0, 2)), p2), concat(p0.subList(1, 4), p1.subList(2, 4)), FACTOR, 50);

    assertThat(loads(load)).containsExactly(35, 65, 0);
    assertThat(load.levels()).extracting(PriorityLoad.Level::panic).containsOnly(false);
  }

  @Test
  void whenThePrioritiesTogetherLackCapacityEachGetsItsHealthOverTheirSum() {
    List<Endpoint> p0 = endpoints(0, 4);
    List<Endpoint> p1 = endpoints(1, 5);

    // health 35 (1 of 4) and 28 (1 of 5): sum 63 -> 35*100/63 = 55, 28*100/63 = 44, rounding to P0
    PriorityLoad load = PriorityLoad.of(
        List.of(p0.get(0), p1.get(0)), concat(p0.subList(1, 4), p1.subList(1, 5)), FACTOR, 0);

    assertThat(load.normalizedTotalHealth()).isEqualTo(63);
    assertThat(loads(load)).containsExactly(56, 44);
  }

  @Test
  void aFullyHealthyListGivesEverythingToTheLowestPriorityPresent() {
    PriorityLoad load = PriorityLoad.of(concat(endpoints(3, 2), endpoints(1, 2)), List.of(), FACTOR, 50);

    assertThat(load.levels()).extracting(PriorityLoad.Level::priority).containsExactly(1, 3);
    assertThat(loads(load)).containsExactly(100, 0);
  }

  @Test
  void noPanicWhileALowerPriorityCanAbsorbTheLoad() {
    List<Endpoint> p0 = endpoints(0, 6);
    List<Endpoint> p1 = endpoints(1, 4);

    // P0 entirely ejected, P1 healthy: 60% of the service is down, but P1 takes everything
    PriorityLoad load = PriorityLoad.of(p1, p0, FACTOR, 50);

    assertThat(loads(load)).containsExactly(0, 100);
    assertThat(load.panic()).isFalse();
    assertThat(load.levels().get(1).endpoints()).isEqualTo(p1);
  }

  @Test
  void aPriorityBelowThePanicThresholdBalancesOverAllItsEndpointsWhenCapacityIsShort() {
    List<Endpoint> p0 = endpoints(0, 4);
    List<Endpoint> p1 = endpoints(1, 10);

    // P0 25% healthy (health 35), P1 40% (56): 91 < 100, so the panic threshold counts
    PriorityLoad load = PriorityLoad.of(
        concat(p0.subList(0, 1), p1.subList(0, 4)), concat(p0.subList(1, 4), p1.subList(4, 10)), FACTOR, 30);

    PriorityLoad.Level first = load.levels().get(0);
    PriorityLoad.Level second = load.levels().get(1);
    assertThat(first.panic()).as("25%% < 30%%").isTrue();
    assertThat(first.endpoints()).containsExactlyInAnyOrderElementsOf(p0);
    assertThat(second.panic()).as("40%% >= 30%%").isFalse();
    assertThat(second.endpoints()).containsExactlyElementsOf(p1.subList(0, 4));
    assertThat(loads(load)).containsExactly(39, 61); // 35*100/91 = 38 (+1 rounding), 56*100/91 = 61
    assertThat(load.panic()).isTrue();
  }

  @Test
  void everyPriorityInPanicSharesTheLoadByItsNumberOfEndpoints() {
    List<Endpoint> p0 = endpoints(0, 6);
    List<Endpoint> p1 = endpoints(1, 2);

    PriorityLoad load = PriorityLoad.of(List.of(p0.get(0)), concat(p0.subList(1, 6), p1), FACTOR, 50);

    assertThat(load.levels()).extracting(PriorityLoad.Level::panic).containsOnly(true);
    assertThat(loads(load)).containsExactly(75, 25);
    assertThat(load.levels().get(1).endpoints()).containsExactlyElementsOf(p1);
  }

  @Test
  void aSinglePriorityPanicsBelowTheThresholdAsBefore() {
    List<Endpoint> p0 = endpoints(0, 4);

    PriorityLoad half = PriorityLoad.of(p0.subList(0, 2), p0.subList(2, 4), FACTOR, 50);
    PriorityLoad quarter = PriorityLoad.of(p0.subList(0, 1), p0.subList(1, 4), FACTOR, 50);

    assertThat(half.panic()).as("50% is not below 50%").isFalse();
    assertThat(half.levels().get(0).endpoints()).containsExactlyElementsOf(p0.subList(0, 2));
    assertThat(quarter.panic()).isTrue();
    assertThat(quarter.levels().get(0).endpoints()).containsExactlyInAnyOrderElementsOf(p0);
    assertThat(loads(quarter)).containsExactly(100);
  }

  @Test
  void nothingHealthyAndNoPanicThresholdLeavesNothingToPick() {
    List<Endpoint> p0 = endpoints(0, 3);

    PriorityLoad load = PriorityLoad.of(List.of(), p0, FACTOR, 0);

    assertThat(loads(load)).containsExactly(0);
    assertThat(load.levels().get(0).endpoints()).isEmpty();
    assertThat(load.panic()).isFalse();
  }

  @Test
  void aFewHealthyOfHundredsStillServeWhenNoLevelReachesOnePercent() {
    List<Endpoint> p0 = endpoints(0, 300);

    PriorityLoad load = PriorityLoad.of(p0.subList(0, 2), p0.subList(2, 300), FACTOR, 0);

    assertThat(loads(load)).containsExactly(100);
    assertThat(load.levels().get(0).endpoints()).hasSize(2);
  }

  @Test
  void aHigherFactorKeepsTrafficLonger() {
    List<Endpoint> p0 = endpoints(0, 10);
    List<Endpoint> p1 = endpoints(1, 2);
    List<Endpoint> healthy = concat(p0.subList(0, 5), p1);

    assertThat(loads(PriorityLoad.of(healthy, p0.subList(5, 10), 1.0, 0))).containsExactly(50, 50);
    assertThat(loads(PriorityLoad.of(healthy, p0.subList(5, 10), 2.0, 0))).containsExactly(100, 0);
    assertThatThrownBy(() -> PriorityLoad.of(healthy, List.of(), 0.9, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anAddressCountsOnceFirstAsEligible() {
    Endpoint a = Endpoint.of("10.9.0.1", 8080);
    Endpoint aAgain = a.withWeight(5);

    PriorityLoad load = PriorityLoad.of(List.of(a, aAgain), List.of(aAgain), FACTOR, 50);

    assertThat(load.levels().get(0).healthy()).containsExactly(a);
    assertThat(load.levels().get(0).excluded()).isEmpty();
  }
}
