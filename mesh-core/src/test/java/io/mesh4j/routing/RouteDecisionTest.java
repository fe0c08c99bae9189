package io.mesh4j.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteDecisionTest {

  @Test
  void aHashKeyKeepsTheSameOverridesMapSoTheMeshsCacheStillHits() {
    RouteDecision route = RouteDecision.to("orders-v1").withOverrides(Map.of("timeout", "2s"));

    RouteDecision perRequest = route.withHashKey("ann");

    assertThat(perRequest.overrides()).isSameAs(route.overrides());
    assertThat(perRequest.hashKey()).isEqualTo("ann");
    assertThat(perRequest.service()).isEqualTo("orders-v1");
    assertThat(route.hashKey()).isNull(); // immutable: the route's decision is unchanged
  }

  @Test
  void overridesAreCopiedSoLaterChangesToTheCallersMapDoNotLeakIn() {
    Map<String, String> mutable = new HashMap<>(Map.of("timeout", "2s"));
    RouteDecision route = RouteDecision.to("orders-v1").withOverrides(mutable);

    mutable.put("timeout", "9s");

    assertThat(route.overrides()).containsExactly(Map.entry("timeout", "2s"));
    assertThatThrownBy(() -> route.overrides().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void noRouteHasAReasonAndNoTarget() {
    RouteDecision none = RouteDecision.noRoute("no virtual host matches orders");

    assertThat(none.isNoRoute()).isTrue();
    assertThat(none.service()).isNull();
    assertThat(none.reason()).isEqualTo("no virtual host matches orders");
    assertThatThrownBy(() -> none.withHashKey("k")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aBlankTargetIsRefused() {
    assertThatThrownBy(() -> RouteDecision.to(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
