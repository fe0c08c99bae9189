package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.internal.lb.MaglevProvider;
import io.mesh4j.internal.lb.RingHashProvider;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.testing.ManualClock;
import org.junit.jupiter.api.Test;

class TestLoadBalancerContextTest {

  @Test
  void answersNoEndpointYetBeforeAnyPickerIsPublished() {
    TestLoadBalancerContext context = TestLoadBalancerContext.of("orders");

    assertThat(context.pick(PickRequest.empty()).isPending()).isTrue();
    assertThat(context.pickerUpdates()).isZero();
    assertThat(context.clock()).isInstanceOf(ManualClock.class);
  }

  @Test
  void offersThePoliciesOnTheClasspathForChildren() {
    try (TestLoadBalancerContext context = TestLoadBalancerContext.of("orders")) {
      assertThat(context.policy("round-robin")).isPresent();
      assertThat(context.policy("no-such-policy")).isEmpty();
    }
  }

  @Test
  void configHasTheKeysSetAndDefaultsForTheRest() {
    TestLoadBalancerContext context =
        TestLoadBalancerContext.forService("orders")
            .set(LoadBalancerKeys.HASH_HEADER, "x-user-id")
            .set(MaglevProvider.TABLE_SIZE, 251)
            .build();

    assertThat(context.config().name()).isEqualTo("orders");
    assertThat(context.config().get(LoadBalancerKeys.HASH_HEADER)).isEqualTo("x-user-id");
    assertThat(context.config().get(MaglevProvider.TABLE_SIZE)).isEqualTo(251);
    assertThat(context.config().get(RingHashProvider.MIN_RING_SIZE)).isEqualTo(1024);
    assertThat(context.config().isSet(RingHashProvider.MIN_RING_SIZE)).isFalse();
  }
}
