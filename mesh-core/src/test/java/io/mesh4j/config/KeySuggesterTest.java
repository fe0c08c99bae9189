package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySuggesterTest {

  @Test
  void transpositionCountsAsOneEdit() {
    assertThat(KeySuggester.distance("domian", "domain")).isEqualTo(1);
    assertThat(KeySuggester.distance("timout", "timeout")).isEqualTo(1);
    assertThat(KeySuggester.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void suggestsTheClosestCandidateOnlyWhenCloseEnough() {
    List<String> keys = List.of("timeout", "lb", "lb.hash-header", "endpoints");

    assertThat(KeySuggester.closest("timeuot", keys)).contains("timeout");
    assertThat(KeySuggester.closest("lb.hash-headr", keys)).contains("lb.hash-header");
    assertThat(KeySuggester.closest("color", keys)).isEmpty();
    assertThat(KeySuggester.closest("x", keys)).isEmpty();
  }
}
