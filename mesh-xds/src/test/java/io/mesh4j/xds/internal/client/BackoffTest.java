package io.mesh4j.xds.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheMaximumWithinTwentyPercentJitterAndResets() {
    double[] random = {0.0};
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(3), () -> random[0]);

    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(800));
    random[0] = 1.0;
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(2400));
    random[0] = 0.5;
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(3));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(3));
    backoff.reset();
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
  }
}
