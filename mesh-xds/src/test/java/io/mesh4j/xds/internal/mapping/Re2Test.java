package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.re2j.Pattern;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.time.Duration;
import java.util.function.Predicate;
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
  void re2SyntaxMatchesWithRe2Meaning() {
    assertThat(ok("/api/v[0-9]+/items/\\d+").matcher("/api/v2/items/42").matches()).isTrue();
    assertThat(ok("(?i)/API/.*").matcher("/api/x").matches()).isTrue();
    assertThat(ok("\\Q/a.b\\E").matcher("/a.b").matches()).isTrue();
    assertThat(ok("\\Q/a.b\\E").matcher("/axb").matches()).isFalse();
    assertThat(ok("/(?P<id>[0-9]+)").matcher("/12").matches()).isTrue();
    assertThat(ok("[[:alpha:]]+").matcher("abc").matches()).isTrue();
    assertThat(ok("[[:^digit:]]+").matcher("abc").matches()).isTrue();
    assertThat(ok("a\\vb").matcher("a\u000Bb").matches()).isTrue();
    assertThat(ok("a\\vb").matcher("a\nb").matches()).as("\\v is only the vertical tab in RE2").isFalse();
    assertThat(ok("[a&&b]+").matcher("a&&b").matches()).as("&& is literal in an RE2 class").isTrue();
    assertThat(ok("a.b").matcher("a\rb").matches()).as("RE2's . excludes only \\n").isTrue();
    assertThat(ok("a.b").matcher("a\nb").matches()).isFalse();
    assertThat(ok("(?U)a+").matcher("aaa").find()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "(a)\\1",
      "a(?=b)",
      "a(?<!b)",
      "(?>a)",
      "a*+",
      "[[:foo:]]",
      "a(b",
      "[ab",
      "a{1001}",
  })
  void whatRe2RefusesIsAnErrorNamingTheField(String re2) {
    assertThat(error(re2.trim())).startsWith("safe_regex.regex: '" + re2.trim() + "' is not a valid RE2");
  }

  @Test
  void aPathologicalRegexOnALongHeaderIsFast() {
    StringMatcher m = StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(".*a.*a.*a.*b")).build();
    Predicate<String> p = StringMatch.compile(m, "f", new Errors());
    String header = "a".repeat(5 * 1024);
    // a backtracking engine takes seconds to fail this; RE2 is linear in the input
    boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      boolean any = false;
      for (int i = 0; i < 10; i++) {
        any |= p.test(header);
      }
      return any;
    });
    assertThat(matched).isFalse();
    assertThat(p.test(header + "b")).isTrue();
    Pattern nested = ok("/api/(a|aa)*b");
    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> nested.matcher("/api/" + "a".repeat(5000) + "c").matches())).isFalse();
  }

  private static RegexRewrite rewrite(String regex, String substitution, Errors errors) {
    return RegexRewrite.compile(RegexMatchAndSubstitute.newBuilder()
        .setPattern(RegexMatcher.newBuilder().setRegex(regex)).setSubstitution(substitution).build(), "rr", errors);
  }

  @Test
  void rewritesUseRe2SubstitutionSyntax() {
    Errors errors = new Errors();
    assertThat(rewrite("user-([a-z]+)", "\\1", errors).apply("user-ann")).isEqualTo("ann");
    assertThat(rewrite("([a-z])([0-9])", "<\\1\\2>", errors).apply("a1 b2")).isEqualTo("<a1> <b2>");
    assertThat(rewrite("(x)", "\\12", errors).apply("axb")).as("\\12 is group 1 then '2'").isEqualTo("ax2b");
    assertThat(rewrite("x", "$1\\\\", errors).apply("axb")).as("$ is literal, \\\\ a backslash").isEqualTo("a$1\\b");
    assertThat(rewrite("x", "\\0\\0", errors).apply("x")).isEqualTo("xx");
    assertThat(rewrite("q", "z", errors).apply("abc")).isEqualTo("abc");
    assertThat(rewrite("b*", "-", errors).apply("abbc")).as("RE2's GlobalReplace skips an empty match"
        + " right after a match").isEqualTo("-a-c-");
    assertThat(rewrite("x*", "-", errors).apply("abc")).isEqualTo("-a-b-c-");
    assertThat(errors.toList()).isEmpty();
  }

  @Test
  void aSubstitutionNamingAMissingGroupIsRefusedAtConfigTime() {
    Errors errors = new Errors();
    assertThat(rewrite("user-[a-z]+", "\\1", errors)).isNull();
    assertThat(rewrite("x", "\\n", errors)).isNull();
    assertThat(rewrite("x", "a\\", errors)).isNull();
    assertThat(errors.toList()).containsExactly(
        "rr.substitution: '\\1' names group 1 but the pattern has 0 group(s)",
        "rr.substitution: '\\n': a backslash must be followed by a digit or a backslash (RE2's rewrite syntax)",
        "rr.substitution: 'a\\': a backslash must be followed by a digit or a backslash (RE2's rewrite syntax)");
  }
}
