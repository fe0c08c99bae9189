package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.fuzz.FuzzTargets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Guards the fuzz targets' seed corpora (see {@link FuzzTargets#assertEveryTargetHasASeedCorpus}). */
class FuzzCorporaTest {

  @Test
  void everyFuzzTargetHasASeedCorpus() throws Exception {
    FuzzTargets.assertEveryTargetHasASeedCorpus(FuzzCorporaTest.class, 5);
  }

  @Test
  void spiffeIdCorpusHoldsEverySharedConformanceVector() throws Exception {
    Path corpus = FuzzTargets.corpus(SpiffeIdFuzzTest.class, FuzzTargets.target(SpiffeIdFuzzTest.class));
    List<String> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.list(corpus)) {
      for (Path f : files.toList()) {
        seeds.add(Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    List<String> vectors = SpiffeIdVectorsTest.vectors().map(a -> (String) a.get()[0]).toList();
    assertThat(vectors).hasSizeGreaterThan(40);
    assertThat(seeds).containsAll(vectors);
  }
}
