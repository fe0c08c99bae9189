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
    assertThat(new PeakEwmaProvider().serviceKeys()).containsExactly(PeakEwmaProvider.DECAY);
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
