package io.mesh4j.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the fuzz targets' seed corpora. Jazzer finds a corpus by class and method name ({@code
 * <package>/<Class>Inputs/<method>/} in test resources) and, when there is none, quietly replays
 * only the empty input: a renamed class or method would leave its target testing nothing.
 */
class FuzzCorporaTest {

  @Test
  void everyFuzzTargetHasASeedCorpus() throws Exception {
    List<Class<?>> fuzzTests = fuzzTestClasses();
    assertThat(fuzzTests).isNotEmpty();
    for (Class<?> fuzzTest : fuzzTests) {
      List<Method> targets =
          Stream.of(fuzzTest.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(FuzzTest.class)).toList();
      // one per class: with JAZZER_FUZZ, -Dtest=<class> fuzzes the first target only
      assertThat(targets).as("@FuzzTest methods of %s", fuzzTest.getName()).hasSize(1);
      Path corpus = corpus(fuzzTest, targets.get(0));
      try (Stream<Path> seeds = Files.list(corpus)) {
        assertThat(seeds.filter(Files::isRegularFile).count()).as("seeds in %s", corpus).isGreaterThanOrEqualTo(5);
      }
    }
  }

  /** The seed corpus directory of one target, as Jazzer looks it up. */
  static Path corpus(Class<?> fuzzTest, Method target) throws Exception {
    String dir = fuzzTest.getSimpleName() + "Inputs/" + target.getName();
    URL url = fuzzTest.getResource(dir);
    assertThat(url).as("seed corpus %s/%s", fuzzTest.getPackageName().replace('.', '/'), dir).isNotNull();
    return Path.of(url.toURI());
  }

  /** Every *FuzzTest class compiled beside this one. */
  static List<Class<?>> fuzzTestClasses() throws Exception {
    Path root = Path.of(FuzzCorporaTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith("FuzzTest.class")).sorted().toList()) {
        String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        out.add(Class.forName(name));
      }
    }
    return out;
  }
}
