package io.mesh4j.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LoadBalancerProvidersTest {

  @Test
  void everyPolicyIsRegisteredForTheServiceLoaderUnderItsConfigName() {
    var names =
        ServiceLoader.load(LoadBalancerProvider.class).stream()
            .map(p -> p.get().name())
            .collect(Collectors.toList());

    assertThat(names)
        .containsExactlyInAnyOrder(
            "round-robin", "weighted-round-robin", "random", "least-request", "peak-ewma",
            "ring-hash", "maglev");
  }

  @Test
  void hashPoliciesDeclareTheSharedHashHeaderKey() {
    assertThat(new RingHashProvider().serviceKeys()).contains(LoadBalancerKeys.HASH_HEADER);
    assertThat(new MaglevProvider().serviceKeys()).contains(LoadBalancerKeys.HASH_HEADER);
    assertThat(new PeakEwmaProvider().serviceKeys())
        .containsExactly(PeakEwmaProvider.DECAY, PeakEwmaProvider.DEFAULT_RTT);
  }

  @Test
  void thePoliciesThatBalanceByWeightSupportSlowStartAndTheOthersDoNot() {
    assertThat(new WeightedRoundRobinProvider().supportsSlowStart()).isTrue();
    assertThat(new RandomProvider().supportsSlowStart()).isTrue();
    assertThat(new LeastRequestProvider().supportsSlowStart()).isTrue();
    assertThat(new PeakEwmaProvider().supportsSlowStart()).isTrue();
    assertThat(new RoundRobinProvider().supportsSlowStart()).as("ignores weights").isFalse();
    assertThat(new RingHashProvider().supportsSlowStart()).as("keys would move").isFalse();
    assertThat(new MaglevProvider().supportsSlowStart()).as("keys would move").isFalse();
  }

  @Test
  void slowStartKeysHaveTheirDefaultsAndRejectNonsense() {
    assertThat(LoadBalancerKeys.SLOW_START_WINDOW.name()).isEqualTo("lb.slow-start.window");
    assertThat(LoadBalancerKeys.SLOW_START_WINDOW.defaultValue()).isZero();
    assertThat(LoadBalancerKeys.SLOW_START_AGGRESSION.defaultValue()).isEqualTo(1.0);
    assertThat(LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT.defaultValue()).isEqualTo(10);
    assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerKeys.SLOW_START_WINDOW.parser().parse("-1s"));
    assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerKeys.SLOW_START_AGGRESSION.parser().parse("0"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT.parser().parse("0"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT.parser().parse("101"));
  }

  @Test
  void hashHeaderMustBeAnHttpHeaderName() {
    var parser = LoadBalancerKeys.HASH_HEADER.parser();

    assertThat(LoadBalancerKeys.HASH_HEADER.name()).isEqualTo("lb.hash-header");
    assertThat(LoadBalancerKeys.HASH_HEADER.defaultValue()).isNull();
    assertThat(parser.parse(" x-user-id ")).isEqualTo("x-user-id");
    assertThatIllegalArgumentException().isThrownBy(() -> parser.parse("x user"));
    assertThatIllegalArgumentException().isThrownBy(() -> parser.parse(""));
  }
}
