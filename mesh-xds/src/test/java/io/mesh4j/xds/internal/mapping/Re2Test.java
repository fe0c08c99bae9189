package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Re2Test {

  private static Pattern ok(String re2) {
    Errors errors = new Errors();
    Pattern p = Re2.compile(re2, "safe_regex.regex", errors);
    assertThat(errors.toList()).isEmpty();
    return p;
  }

  private static String error(String re2) {
    Errors errors = new Errors();
    assertThat(Re2.compile(re2, "safe_regex.regex", errors)).isNull();
    assertThat(errors.toList()).hasSize(1);
    return errors.toList().get(0);
  }

  @Test
  void sharedSyntaxMatchesAsInRe2() {
    assertThat(ok("/api/v[0-9]+/items/\\d+").matcher("/api/v2/items/42").matches()).isTrue();
    assertThat(ok("(?i)/API/.*").matcher("/api/x").matches()).isTrue();
    assertThat(ok("\\Q/a.b\\E").matcher("/a.b").matches()).isTrue();
    assertThat(ok("\\Q/a.b\\E").matcher("/axb").matches()).isFalse();
  }

  @Test
  void re2OnlySyntaxIsTranslated() {
    assertThat(ok("/(?P<id>[0-9]+)").matcher("/12").matches()).isTrue();
    assertThat(ok("[[:alpha:]]+").matcher("abc").matches()).isTrue();
    assertThat(ok("[[:^digit:]]+").matcher("abc").matches()).isTrue();
    assertThat(ok("[[:word:]]+").matcher("a_1").matches()).isTrue();
    assertThat(ok("a\\vb").matcher("a\u000Bb").matches()).isTrue();
    assertThat(ok("a\\vb").matcher("a\nb").matches()).as("\\v is only the vertical tab in RE2").isFalse();
    assertThat(ok("[a&&b]+").matcher("a&&b").matches()).as("&& is literal in an RE2 class").isTrue();
    assertThat(ok("[]a]+").matcher("]a").matches()).isTrue();
    assertThat(ok("a.b").matcher("a\rb").matches()).as("RE2's . excludes only \\n").isTrue();
    assertThat(ok("a.b").matcher("a\nb").matches()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "(a)\\1       | back-references",
      "a(?=b)      | look-around",
      "a(?<!b)     | look-around",
      "(?>a)       | atomic",
      "a*+         | possessive",
      "(?U)a*      | ungreedy",
      "a\\Z        | \\Z is not RE2",
      "(?P<my_id>a) | group name 'my_id'",
      "[[:foo:]]   | unknown POSIX class",
      "a(b         | not a valid regular expression",
      "[ab         | unclosed character class",
  })
  void syntaxJavaWouldReadDifferentlyIsRefused(String re2, String message) {
    assertThat(error(re2.trim())).startsWith("safe_regex.regex: '" + re2.trim() + "'").contains(message.trim());
  }
}
