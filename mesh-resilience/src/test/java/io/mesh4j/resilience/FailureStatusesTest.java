package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.CallTracker;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.PickResult;
import io.mesh4j.resilience.HoldingBackend.Reply;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** The load balancer's trackers count as failed what the circuit breaker and outlier detection do. */
class FailureStatusesTest {

  /** One endpoint; its tracker records whether each attempt succeeded. */
  private static LoadBalancerProvider recording(List<Boolean> outcomes) {
    return new LoadBalancerProvider() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
        CallTracker tracker = (latencyNanos, success) -> outcomes.add(success);
        return update -> {
          Endpoint only = update.endpoints().get(0);
          context.updatePicker(request -> PickResult.of(only, tracker));
        };
      }
    };
  }

  private static List<Boolean> outcomes(String failureStatuses) throws Exception {
    List<Boolean> outcomes = new CopyOnWriteArrayList<>();
    int[] statuses = {200, 429, 500};
    try (HoldingBackend backend = HoldingBackend.start((n, method) -> Reply.status(statuses[n - 1]))) {
      MeshClient.Builder b = TestMeshes.builder()
          .loadBalancer(recording(outcomes))
          .property("mesh.services.orders.endpoints", backend.endpoint())
          .property("mesh.services.orders.lb", "recording")
          .property("mesh.services.orders.retry.max-attempts", "1");
      if (failureStatuses != null) {
        b.property("mesh.services.orders.circuit-breaker.failure-statuses", failureStatuses);
      }
      try (MeshClient mesh = b.build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int ignored : statuses) {
          http.newCall(get("http://orders/x")).execute().close();
        }
      }
      assertThat(backend.requests()).isEqualTo(statuses.length);
    }
    return outcomes;
  }

  @Test
  void theBalancerSees429AsAFailureWhenFailureStatusesListIt() throws Exception {
    assertThat(outcomes("500-599,429")).containsExactly(true, false, false);
  }

  @Test
  void byDefaultOnly5xxFailForTheBalancer() throws Exception {
    assertThat(outcomes(null)).containsExactly(true, true, false);
  }
}
