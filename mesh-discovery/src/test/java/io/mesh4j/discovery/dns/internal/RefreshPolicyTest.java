package io.mesh4j.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {

  private final RefreshPolicy policy = RefreshPolicy.of(Duration.ofSeconds(1), Duration.ofMinutes(5));

  @Test
  void aTtlWithinTheBoundsIsUsedAsIs() {
    assertThat(policy.afterAnswer(30)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aShortTtlIsRaisedToMinTtlAndALongOneCutToMaxTtl() {
    assertThat(policy.afterAnswer(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.afterAnswer(86_400)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.afterAnswer(Long.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void failuresAreRetriedAfterMinTtlDoublingUpToThirtySeconds() {
    assertThat(policy.afterFailure(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.afterFailure(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.afterFailure(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(policy.afterFailure(6)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.afterFailure(1000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theRetryCapStaysWithinTheBounds() {
    assertThat(RefreshPolicy.of(Duration.ofMillis(100), Duration.ofSeconds(2)).afterFailure(10))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(RefreshPolicy.of(Duration.ofMinutes(1), Duration.ofMinutes(5)).afterFailure(1))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void maxTtlBelowMinTtlIsRefused() {
    assertThatThrownBy(() -> RefreshPolicy.of(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .hasMessageContaining("must be at least mesh.discovery.dns.min-ttl (10s)");
  }
}
