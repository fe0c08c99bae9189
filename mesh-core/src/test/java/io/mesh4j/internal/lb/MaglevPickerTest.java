package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mesh4j.config.ValueParser;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.Picker;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MaglevPickerTest extends ConsistentHashPickerContract {

  @Override
  Picker newPicker(List<Endpoint> endpoints) {
    return new MaglevPicker(endpoints, MaglevTable.DEFAULT_SIZE);
  }

  @Override
  double maxDisruptionOfOtherKeys() {
    return 0.02; // Maglev trades a little disruption for an even spread
  }

  @Test
  void everySlotIsOwnedAndEqualEndpointsOwnNearlyEqualShares() {
    MaglevTable table = MaglevTable.build(endpoints(7).toArray(new Endpoint[0]), 65537);

    int[] slotsPerEndpoint = new int[7];
    IntStream.range(0, table.size()).forEach(s -> slotsPerEndpoint[table.ownerOf(s)]++);

    // Maglev fills in turns, so shares differ by at most one slot
    assertThat(IntStream.of(slotsPerEndpoint).max().getAsInt()
            - IntStream.of(slotsPerEndpoint).min().getAsInt())
        .isLessThanOrEqualTo(1);
  }

  @Test
  void tableSizeMustBeAPrime() {
    ValueParser<Integer> parser = MaglevProvider.TABLE_SIZE.parser();

    assertThat(MaglevProvider.TABLE_SIZE.defaultValue()).isEqualTo(65537);
    assertThat(parser.parse("65537")).isEqualTo(65537);
    assertThat(parser.parse("251")).isEqualTo(251);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> parser.parse("65536"))
        .withMessage("not a prime number");
    assertThatIllegalArgumentException().isThrownBy(() -> parser.parse("1"));
    assertThatIllegalArgumentException().isThrownBy(() -> parser.parse("lots"));
    assertThatIllegalArgumentException().isThrownBy(() -> parser.parse("5000012"));
    assertThat(parser.expected()).contains("prime");
  }

  @Test
  void buildingATableOfNonPrimeSizeFails() {
    Endpoint[] endpoints = endpoints(2).toArray(new Endpoint[0]);

    assertThatIllegalArgumentException().isThrownBy(() -> MaglevTable.build(endpoints, 1000));
  }

  @Test
  void primalityIsRight() {
    assertThat(IntStream.rangeClosed(0, 30).filter(Primes::isPrime))
        .containsExactly(2, 3, 5, 7, 11, 13, 17, 19, 23, 29);
    assertThat(Primes.isPrime(5_000_011)).isTrue();
    assertThat(Primes.isPrime(65_535)).isFalse();
  }
}
