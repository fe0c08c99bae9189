package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoints;
import static io.mesh4j.internal.lb.Endpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.Picker;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingHashPickerTest extends ConsistentHashPickerContract {

  @Override
  Picker newPicker(List<Endpoint> endpoints) {
    return new RingHashPicker(endpoints, 1024);
  }

  @Override
  double maxDisruptionOfOtherKeys() {
    return 0;
  }

  @Test
  void ringHasAtLeastTheMinimumSizeWithNodesInProportionToWeight() {
    HashRing equal = HashRing.build(endpoints(3).toArray(new Endpoint[0]), 1024);
    HashRing unequal = HashRing.build(weighted(1, 3).toArray(new Endpoint[0]), 1000);

    // 1024 / 3 = 342 nodes each, rounded up to 512
    assertThat(equal.size()).isEqualTo(3 * 512);
    // the light endpoint gets 1000 × 1/4 = 250 nodes rounded up to 256, the heavy one 3 × 256
    assertThat(unequal.size()).isEqualTo(1024);
    long light = java.util.stream.IntStream.range(0, unequal.size())
        .filter(n -> unequal.ownerOf(n) == 0).count();
    assertThat(light).isEqualTo(256);
  }

  @Test
  void nodeCountsStayTheSameWhenOneOfTenEndpointsLeaves() {
    assertThat(HashRing.nodeCounts(endpoints(10).toArray(new Endpoint[0]), 1024)).containsOnly(128);
    assertThat(HashRing.nodeCounts(endpoints(9).toArray(new Endpoint[0]), 1024)).containsOnly(128);
  }

  @Test
  void minRingSizeDefaultsTo1024AndIsBounded() {
    assertThat(RingHashProvider.MIN_RING_SIZE.defaultValue()).isEqualTo(1024);
    assertThat(RingHashProvider.MIN_RING_SIZE.parser().parse("4096")).isEqualTo(4096);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RingHashProvider.MIN_RING_SIZE.parser().parse("0"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RingHashProvider.MIN_RING_SIZE.parser().parse("100000000"));
  }
}
