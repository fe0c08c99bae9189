package io.mesh4j.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the Jazzer fuzz targets of every module share: the contract of a parser's rejection, and
 * the guard on their seed corpora. Jazzer's {@code @FuzzTest} is matched by name, so this module
 * does not pull Jazzer in for users of its other helpers.
 */
public final class FuzzTargets {

  private static final String FUZZ_TEST = "com.code_intelligence.jazzer.junit.FuzzTest";

  private FuzzTargets() {}

  /**
   * A parser's one way to refuse input: exactly {@link IllegalArgumentException} (not a subclass
   * such as {@link NumberFormatException}, whose message would be the JDK's, not the parser's)
   * with a message that says something, starting with {@code prefix} when one is given.
   */
  public static void rejectedWithMessage(IllegalArgumentException e, String prefix) {
    assertThat(e.getClass()).as("rejection type of %s", e).isEqualTo(IllegalArgumentException.class);
    assertThat(e.getMessage()).as("rejection message").isNotBlank();
    if (prefix != null) {
      assertThat(e.getMessage()).as("rejection message").startsWith(prefix);
    }
  }

  /**
   * Every {@code *FuzzTest} class compiled beside {@code anchor} has exactly one {@code @FuzzTest}
   * method (with {@code JAZZER_FUZZ}, {@code -Dtest=<class>} fuzzes the first target only) and a
   * seed corpus of at least {@code minSeeds} files. Jazzer finds a corpus by class and method name
   * and, when there is none, quietly replays only the empty input: a renamed class or method would
   * leave its target testing nothing.
   */
  public static void assertEveryTargetHasASeedCorpus(Class<?> anchor, int minSeeds) throws Exception {
    List<Class<?>> fuzzTests = fuzzTestClasses(anchor);
    assertThat(fuzzTests).as("*FuzzTest classes beside %s", anchor.getName()).isNotEmpty();
    for (Class<?> fuzzTest : fuzzTests) {
      Path corpus = corpus(fuzzTest, target(fuzzTest));
      try (Stream<Path> seeds = Files.list(corpus)) {
        assertThat(seeds.filter(Files::isRegularFile).count()).as("seeds in %s", corpus)
            .isGreaterThanOrEqualTo(minSeeds);
      }
    }
  }

  /** The one {@code @FuzzTest} method of a fuzz class. */
  public static Method target(Class<?> fuzzTest) {
    List<Method> targets = Stream.of(fuzzTest.getDeclaredMethods())
        .filter(m -> Stream.of(m.getAnnotations()).anyMatch(a -> a.annotationType().getName().equals(FUZZ_TEST)))
        .toList();
    assertThat(targets).as("@FuzzTest methods of %s", fuzzTest.getName()).hasSize(1);
    return targets.get(0);
  }

  /** The seed corpus directory of one target, as Jazzer looks it up. */
  public static Path corpus(Class<?> fuzzTest, Method target) throws Exception {
    String dir = fuzzTest.getSimpleName() + "Inputs/" + target.getName();
    URL url = fuzzTest.getResource(dir);
    assertThat(url).as("seed corpus %s/%s", fuzzTest.getPackageName().replace('.', '/'), dir).isNotNull();
    return Path.of(url.toURI());
  }

  private static List<Class<?>> fuzzTestClasses(Class<?> anchor) throws Exception {
    Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith("FuzzTest.class")).sorted().toList()) {
        String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        out.add(Class.forName(name, false, anchor.getClassLoader()));
      }
    }
    return out;
  }
}
