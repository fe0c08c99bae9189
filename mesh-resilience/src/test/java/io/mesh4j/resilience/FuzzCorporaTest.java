package io.mesh4j.resilience;

import io.mesh4j.testing.fuzz.FuzzTargets;
import org.junit.jupiter.api.Test;

/** Guards the fuzz targets' seed corpora (see {@link FuzzTargets#assertEveryTargetHasASeedCorpus}). */
class FuzzCorporaTest {

  @Test
  void everyFuzzTargetHasASeedCorpus() throws Exception {
    FuzzTargets.assertEveryTargetHasASeedCorpus(FuzzCorporaTest.class, 5);
  }
}
