package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.ForwardingLoadBalancerContext;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load-balancing SPI is enough to write a parent policy that delegates to children it creates
 * by name (what the zone-aware and priority policies do): here, "same zone first", a parent over
 * two round-robin children, one for the client's zone and one for the rest.
 */
class ChildPoliciesTest {

  /** Prefers endpoints in the client's zone; the other child takes over when the zone has none. */
  static final class SameZoneFirst implements LoadBalancerProvider {
    @Override
    public String name() {
      return "same-zone-first";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      return new LoadBalancer() {
        private volatile Picker local;
        private volatile Picker remote;
        private boolean hasLocal;
        private final LoadBalancer localChild = child(context, p -> local = p);
        private final LoadBalancer remoteChild = child(context, p -> remote = p);

        @Override
        public void update(LoadBalancerUpdate update) {
          String zone = context.locality().zone();
          List<Endpoint> mine = new ArrayList<>();
          List<Endpoint> others = new ArrayList<>();
          for (Endpoint e : update.endpoints()) {
            (e.locality().zone().equals(zone) ? mine : others).add(e);
          }
          hasLocal = !mine.isEmpty();
          localChild.update(update.withEndpoints(mine));
          remoteChild.update(update.withEndpoints(others));
          Picker chosen = hasLocal ? local : remote;
          context.updatePicker(chosen);
        }

        @Override
        public void close() {
          localChild.close();
          remoteChild.close();
        }
      };
    }

    private static LoadBalancer child(LoadBalancerContext parent, java.util.function.Consumer<Picker> sink) {
      return parent.policy("round-robin").orElseThrow().newLoadBalancer(
          new ForwardingLoadBalancerContext(parent) {
            @Override
            public void updatePicker(Picker picker) {
              sink.accept(picker); // the parent publishes, not the child
            }
          });
    }
  }

  @Test
  void aParentPolicyDelegatesToChildrenItCreatesByName() {
    Endpoint a1 = Endpoint.builder("10.0.0.1", 8080).locality(Locality.zone("a")).build();
    Endpoint a2 = Endpoint.builder("10.0.0.2", 8080).locality(Locality.zone("a")).build();
    Endpoint b1 = Endpoint.builder("10.0.0.3", 8080).locality(Locality.zone("b")).build();
    try (TestLoadBalancerContext context =
        TestLoadBalancerContext.forService("orders").locality(Locality.zone("a")).build()) {
      LoadBalancer parent = new SameZoneFirst().newLoadBalancer(context);

      parent.update(context.update(List.of(a1, b1, a2)));
      for (int i = 0; i < 50; i++) {
        assertThat(pick(context)).isIn(a1, a2);
      }

      parent.update(context.update(List.of(b1)));
      assertThat(pick(context)).isEqualTo(b1);

      context.setLocality(Locality.zone("b"));
      parent.update(context.update(List.of(a1, b1)));
      assertThat(pick(context)).isEqualTo(b1);
      parent.close();
    }
  }

  private static Endpoint pick(TestLoadBalancerContext context) {
    PickResult r = context.pick(PickRequest.empty());
    r.tracker().onComplete(1_000_000, true);
    return r.endpoint();
  }
}
