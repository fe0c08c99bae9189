package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A line holding only a backslash continues into the next physical line. Found by
 * PropertiesFormatFuzzTest (crash-fc468af0-... in its corpus): continued into a blank line it made
 * an entry with an empty key, which the loader then refused as an unknown key, where
 * Properties.load reads nothing; continued into a '#' line it made a key of the comment.
 */
class PropertiesFormatContinuationTest {

  @Test
  void aBackslashContinuedIntoABlankLineIsABlankLine() throws IOException {
    String text = "a=1\n\\\n  \nb=2\n";
    PropertySource source = PropertySource.parse(text, "mesh.properties");

    assertThat(source.problems()).isEmpty();
    assertThat(source.entries()).extracting(PropertySource.Entry::key).containsExactly("a", "b");
    assertThat(jdk(text).stringPropertyNames()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aBackslashAtTheEndOfTheFileAddsNothing() {
    PropertySource source = PropertySource.parse("a=1\n\\", "mesh.properties");

    assertThat(source.entries()).extracting(PropertySource.Entry::key).containsExactly("a");
  }

  @Test
  void aCommentAfterALeadingContinuationIsAComment() throws IOException {
    String text = "\\\n# not a key\n  \\\n! nor this\nb=2\n";
    PropertySource source = PropertySource.parse(text, "mesh.properties");

    assertThat(source.entries()).extracting(e -> List.of(e.key(), e.value(), e.location()))
        .containsExactly(List.of("b", "2", "mesh.properties:5"));
    assertThat(jdk(text).stringPropertyNames()).containsExactly("b");
  }

  @Test
  void anEntryStartingAfterContinuationLinesIsLocatedWhereItsKeyIs() {
    PropertySource source = PropertySource.parse("  \\\n\\\n  key = value\n", "mesh.properties");

    assertThat(source.entries()).extracting(e -> List.of(e.key(), e.value(), e.location()))
        .containsExactly(List.of("key", "value", "mesh.properties:3"));
  }

  private static Properties jdk(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }
}
