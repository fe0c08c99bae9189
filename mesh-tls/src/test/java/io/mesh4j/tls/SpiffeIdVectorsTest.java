package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every vector of the SPIFFE ID conformance set against {@link SpiffeId#parse}. The set comes
 * from the project's shared/testdata (gathered from the SPIFFE-ID standard and the go/java
 * libraries' suites); a copy is kept in test resources so a fresh clone runs it, and the copy is
 * checked against shared/testdata wherever that sits beside the checkout (CI).
 */
class SpiffeIdVectorsTest {

  private static final String RESOURCE = "spiffe-id-vectors.tsv";

  static List<String> vectorLines() throws IOException {
    try (java.io.InputStream in = SpiffeIdVectorsTest.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource io/mesh4j/tls/" + RESOURCE + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void copyInTestResourcesIsTheSharedConformanceSet() throws IOException {
    String dir = System.getProperty("mesh4j.testdata.dir");
    Path shared = dir == null ? null : Path.of(dir, RESOURCE);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        shared != null && Files.isRegularFile(shared),
        "shared/testdata is not beside this checkout; running the copy in test resources only");
    assertThat(vectorLines())
        .as("mesh-tls/src/test/resources/io/mesh4j/tls/%s must be a copy of %s", RESOURCE, shared)
        .isEqualTo(Files.readAllLines(shared, StandardCharsets.UTF_8));
  }

  static Stream<Arguments> vectors() throws IOException {
    return vectorLines().stream()
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(l -> {
          String[] cols = l.split("\t", -1);
          if (cols.length < 2) {
            throw new IllegalStateException("malformed vector line: " + l);
          }
          String input = cols[0].equals("<empty>") ? "" : cols[0];
          return Arguments.of(input, cols[1], cols.length > 2 ? cols[2] : "");
        });
  }

  @Test
  void vectorFileHasBothValidAndRejectedCases() throws IOException {
    List<Arguments> all = vectors().toList();
    assertThat(all).hasSizeGreaterThan(40);
    assertThat(all).anyMatch(a -> a.get()[1].equals("valid")).anyMatch(a -> a.get()[1].equals("reject"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1} ({2})")
  @MethodSource("vectors")
  void parsesExactlyAsTheStandardSays(String input, String expected, String reason) {
    if (expected.equals("valid")) {
      SpiffeId id = SpiffeId.parse(input);
      assertThat(id.toString()).isEqualTo(input);
      assertThat(SpiffeId.isValid(input)).isTrue();
    } else {
      assertThat(expected).isEqualTo("reject");
      assertThatThrownBy(() -> SpiffeId.parse(input))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid SPIFFE ID '");
      assertThat(SpiffeId.isValid(input)).isFalse();
    }
  }
}
