package io.mesh4j.benchmarks.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScenarioOptionsTest {

  @Test
  void readsTheCommonOptionsAndKeepsTheScenarioSpecificOnes() {
    ScenarioOptions o = ScenarioOptions.parse(
        new String[] {"--rounds", "4", "--round-seconds", "2.5", "--out", "/tmp/r", "--rate", "300"}, 5, 5);

    assertThat(o.rounds()).isEqualTo(4);
    assertThat(o.roundSeconds()).isEqualTo(2.5);
    assertThat(o.out()).isEqualTo(Path.of("/tmp/r"));
    assertThat(o.smoke()).isFalse();
    assertThat(o.intOption("rate", 400, 200)).isEqualTo(300);
    assertThat(o.intOption("threads", 4, 2)).isEqualTo(4);
  }

  @Test
  void smokeRunsOneShortRoundWithTheSmokeDefaults() {
    ScenarioOptions o = ScenarioOptions.parse(new String[] {"--rounds", "9", "--smoke"}, 5, 5);

    assertThat(o.rounds()).isEqualTo(1);
    assertThat(o.roundSeconds()).isEqualTo(1.0);
    assertThat(o.intOption("threads", 4, 2)).isEqualTo(2);
    assertThat(o.out()).isEqualTo(Path.of("mesh-benchmarks/results"));
  }

  @Test
  void refusesAnArgumentThatIsNoOption() {
    assertThatThrownBy(() -> ScenarioOptions.parse(new String[] {"rounds"}, 5, 5))
        .hasMessageContaining("unexpected argument 'rounds'");
  }
}
