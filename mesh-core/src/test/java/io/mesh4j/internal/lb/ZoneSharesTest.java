package io.mesh4j.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.internal.lb.ZoneShares.Mode;
import io.mesh4j.internal.lb.ZoneShares.Result;
import org.junit.jupiter.api.Test;

class ZoneSharesTest {

  private static final int MIN = 6;

  @Test
  void aLocalZoneWithItsShareOfHealthyEndpointsGetsEverything() {
    Result r = ZoneShares.of(0, new int[] {3, 3}, new int[] {3, 3}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.DIRECT);
    assertThat(r.shares()).containsExactly(10_000, 0);
  }

  @Test
  void aSmallLocalZoneStillGetsEverythingWhileItsEndpointsAreHealthy() {
    // 1 of 6 endpoints is local: if clients are spread like endpoints, 1/6 of them are local too
    Result r = ZoneShares.of(0, new int[] {1, 5}, new int[] {1, 5}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.DIRECT);
    assertThat(r.shares()).containsExactly(10_000, 0);
  }

  @Test
  void anotherZoneLosingEndpointsKeepsTheLocalZoneDirect() {
    Result r = ZoneShares.of(0, new int[] {3, 1, 3}, new int[] {3, 3, 3}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.DIRECT);
    assertThat(r.shares()).containsExactly(10_000, 0, 0);
  }

  @Test
  void aLocalZoneShortOfHealthyEndpointsKeepsWhatItCanServeAndTheRestSpills() {
    // a: 2 of 3 healthy, b: 3 of 3. Healthy share of a: 2/5 = 40 %, its share of all: 50 %
    Result r = ZoneShares.of(0, new int[] {2, 3}, new int[] {3, 3}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.RESIDUAL);
    assertThat(r.shares()).containsExactly(8_000, 2_000);
  }

  @Test
  void everyHealthyEndpointSeesTheSameRateWhenAllClientsRouteThisWay() {
    int[] healthy = {2, 3, 4};
    int[] total = {4, 3, 4};
    double[] clients = {4 / 11.0, 3 / 11.0, 4 / 11.0}; // spread like the endpoints
    double[] perZone = new double[3];
    for (int client = 0; client < 3; client++) {
      int[] shares = ZoneShares.of(client, healthy, total, false, MIN).shares();
      for (int z = 0; z < 3; z++) {
        perZone[z] += clients[client] * shares[z] / 10_000.0;
      }
    }
    for (int z = 0; z < 3; z++) {
      assertThat(perZone[z] / healthy[z]).as("rate per endpoint of zone %d", z).isCloseTo(1 / 9.0, org.assertj.core.data.Offset.offset(0.001));
    }
  }

  @Test
  void theResidualGoesToTheZonesWithSpareHealthyEndpointsInProportion() {
    // a (local) 1 of 4 healthy; b 4 of 4; c 2 of 4: only b holds more than its share
    Result r = ZoneShares.of(0, new int[] {1, 4, 2}, new int[] {4, 4, 4}, false, 1);

    assertThat(r.mode()).isEqualTo(Mode.RESIDUAL);
    // healthy share of a: 1/7, of all: 1/3 -> a keeps 3/7 = 42.85 %; b's surplus 4/7 - 1/3, c's none
    assertThat(r.shares()).containsExactly(4_285, 5_715, 0);
  }

  @Test
  void aDeadLocalZoneSendsEverythingElsewhere() {
    Result r = ZoneShares.of(0, new int[] {0, 3, 3}, new int[] {3, 3, 3}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.SPREAD);
    assertThat(r.shares()).containsExactly(0, 5_000, 5_000);
  }

  @Test
  void belowTheMinimumClusterSizeRequestsSpreadOverAllZones() {
    Result r = ZoneShares.of(0, new int[] {2, 3}, new int[] {2, 3}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.SPREAD);
    assertThat(r.shares()).containsExactly(4_000, 6_000);
  }

  @Test
  void inPanicRequestsSpreadOverEveryEndpointOfEveryZone() {
    Result r = ZoneShares.of(0, new int[] {3, 3}, new int[] {3, 3}, true, MIN);

    assertThat(r.mode()).isEqualTo(Mode.SPREAD);
    assertThat(r.shares()).containsExactly(5_000, 5_000);
  }

  @Test
  void aClientInAZoneWithoutEndpointsSpreads() {
    Result r = ZoneShares.of(-1, new int[] {3, 4}, new int[] {3, 4}, false, MIN);

    assertThat(r.mode()).isEqualTo(Mode.SPREAD);
    assertThat(r.shares()).containsExactly(4_285, 5_715);
  }

  @Test
  void nothingHealthyGivesNoShares() {
    Result r = ZoneShares.of(0, new int[] {0, 0}, new int[] {3, 3}, false, 1);

    assertThat(r.shares()).containsExactly(0, 0);
  }
}
