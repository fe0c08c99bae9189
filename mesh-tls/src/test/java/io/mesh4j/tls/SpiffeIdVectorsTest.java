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

/** Runs every vector of shared/testdata/spiffe-id-vectors.tsv against {@link SpiffeId#parse}. */
class SpiffeIdVectorsTest {

  static Path vectorsFile() {
    String dir = System.getProperty("mesh4j.testdata.dir");
    if (dir == null) {
      throw new IllegalStateException(
          "system property mesh4j.testdata.dir is not set (surefire sets it to <repo>/../shared/testdata)");
    }
    Path file = Path.of(dir, "spiffe-id-vectors.tsv");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("SPIFFE ID conformance vectors not found at " + file.toAbsolutePath()
          + " (shared/testdata must sit beside the repository checkout)");
    }
    return file;
  }

  static Stream<Arguments> vectors() throws IOException {
    List<String> lines = Files.readAllLines(vectorsFile(), StandardCharsets.UTF_8);
    return lines.stream()
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
