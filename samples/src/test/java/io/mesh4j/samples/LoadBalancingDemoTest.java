package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.LeakCheck;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load-balancing demo keeps working, judged by what its backends saw (no latency figures: the
 * machine is noisy): zone a keeps its traffic while healthy and zone b takes it over without a
 * failed request; a backend added live ramps up; hedges are sent and win; nothing is left running.
 */
@Timeout(180)
class LoadBalancingDemoTest {

  @Test
  void zonesSlowStartAndHedgingShowAtTheBackendsWithoutAFailedRequest() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    LoadBalancingDemo.Result result = LoadBalancingDemo.run(System.out);

    LoadBalancingDemo.Zones zones = result.zones();
    assertThat(zones.failedHealthy()).as("failed requests while both zones are up").isZero();
    assertThat(zones.zoneAShareHealthy()).as("zone a's share while healthy").isGreaterThanOrEqualTo(0.9);
    assertThat(zones.failedAfterKill()).as("failed requests after zone a died").isZero();
    assertThat(zones.answeredAfterKill()).isPositive();
    // counted at the backends: every answered request came from zone b (give or take the requests in
    // flight when the counts were read)
    assertThat(zones.zoneBServedAfterKill()).isGreaterThanOrEqualTo(zones.answeredAfterKill() - 4);
    assertThat(zones.zoneBShareAfterKill()).isEqualTo(1.0);

    List<Double> ramp = result.slowStart().newBackendShares();
    assertThat(ramp.get(0)).as("new backend's share, first bucket vs last: %s", ramp).isLessThan(ramp.get(ramp.size() - 1));
    assertThat(result.slowStart().failed()).isZero();

    LoadBalancingDemo.HedgingRun without = result.hedging().without();
    LoadBalancingDemo.HedgingRun with = result.hedging().with();
    assertThat(without.failed()).isZero();
    assertThat(without.hedgesSent()).isZero();
    assertThat(with.failed()).isZero();
    assertThat(with.hedgesSent()).as("hedges sent").isPositive();
    assertThat(with.hedgesWon()).as("hedges won").isPositive();
    assertThat(with.backendRequests()).as("backend requests with hedging").isGreaterThanOrEqualTo(with.requests());

    leaks.assertNoNewMeshThreads();
    assertThat(newDemoThreads(before)).as("backend or caller threads left running").isEmpty();
  }

  /** The demo's backend threads ("demo-...") and caller pools started since {@code before}, still alive. */
  private static List<String> newDemoThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(n -> n.startsWith("demo-") || n.startsWith("pool-"))
        .toList();
  }
}
