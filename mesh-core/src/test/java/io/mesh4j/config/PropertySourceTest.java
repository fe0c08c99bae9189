package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertySourceTest {

  @TempDir Path dir;

  private PropertySource file(String... lines) throws Exception {
    Path p = dir.resolve("mesh.properties");
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return PropertySource.fromFile(p);
  }

  private static PropertySource.Entry entry(String key, String value, int line) {
    return new PropertySource.Entry(key, value, "mesh.properties:" + line);
  }

  @Test
  void entriesKeepFileOrderAndLineNumbersSkippingCommentsAndBlankLines() throws Exception {
    PropertySource source = file(
        "# a comment",
        "! another comment",
        "",
        "mesh.service=frontend",
        "   mesh.trust-domain = example.org",
        "a:b",
        "c d",
        "e\t\t f");

    assertThat(source.origin()).isEqualTo("mesh.properties");
    assertThat(source.entries()).containsExactly(
        entry("mesh.service", "frontend", 4),
        entry("mesh.trust-domain", "example.org", 5),
        entry("a", "b", 6),
        entry("c", "d", 7),
        entry("e", "f", 8));
    assertThat(source.problems()).isEmpty();
  }

  @Test
  void continuationLinesJoinWithLeadingWhitespaceDroppedAndKeepTheFirstLineNumber() throws Exception {
    PropertySource source = file(
        "mesh.services.orders.endpoints=10.0.0.1:80,\\",
        "      10.0.0.2:80,\\",
        "      10.0.0.3:80",
        "next=1");

    assertThat(source.entries()).containsExactly(
        entry("mesh.services.orders.endpoints", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80", 1),
        entry("next", "1", 4));
  }

  @Test
  void escapesAreDecodedInKeysAndValues() throws Exception {
    PropertySource source = file(
        "key\\ with\\:odd\\=chars=tab\\tnew\\nline",
        "unicode=caf\\u00e9 \\\\ back",
        "hash=\\#not-a-comment");

    assertThat(source.entries()).containsExactly(
        entry("key with:odd=chars", "tab\tnew\nline", 1),
        entry("unicode", "café \\ back", 2),
        entry("hash", "#not-a-comment", 3));
  }

  @Test
  void hashAfterWhitespaceStartsAnInlineCommentButNotInsideAValue() throws Exception {
    PropertySource source = file(
        "mesh.service=frontend   # this workload's name",
        "url=http://x/#fragment",
        "tab=a\t# comment",
        "empty= # only a comment",
        "trailing=value   ",
        "escaped=value\\ ");

    assertThat(source.entries()).containsExactly(
        entry("mesh.service", "frontend", 1),
        entry("url", "http://x/#fragment", 2),
        entry("tab", "a", 3),
        entry("empty", "", 4),
        entry("trailing", "value", 5),
        entry("escaped", "value ", 6));
  }

  @Test
  void backslashInsideAnInlineCommentDoesNotContinueTheLine() throws Exception {
    PropertySource source = file("a=1 # note \\", "b=2");

    assertThat(source.entries()).containsExactly(entry("a", "1", 1), entry("b", "2", 2));
  }

  @Test
  void duplicateKeyIsAProblemNamingBothLines() throws Exception {
    PropertySource source = file("mesh.service=a", "x=1", "mesh.service=b");

    assertThat(source.entries()).containsExactly(entry("mesh.service", "a", 1), entry("x", "1", 2));
    assertThat(source.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mesh.service");
      assertThat(p.value()).isEqualTo("b");
      assertThat(p.location()).isEqualTo("mesh.properties:3");
      assertThat(p.message()).contains("duplicate key", "mesh.properties:1");
    });
  }

  @Test
  void malformedUnicodeEscapeIsAProblemAndSkipsOnlyThatEntry() throws Exception {
    PropertySource source = file("bad=\\u12G4", "good=1");

    assertThat(source.entries()).containsExactly(entry("good", "1", 2));
    assertThat(source.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("bad");
      assertThat(p.location()).isEqualTo("mesh.properties:1");
      assertThat(p.message()).contains("\\uXXXX");
    });
  }

  @Test
  void crlfLineEndingsAndByteOrderMarkAreHandled() throws Exception {
    Path p = dir.resolve("win.properties");
    Files.writeString(p, "\uFEFFa=1\r\nb=2\r\n", StandardCharsets.UTF_8);

    assertThat(PropertySource.fromFile(p).entries()).containsExactly(
        new PropertySource.Entry("a", "1", "win.properties:1"),
        new PropertySource.Entry("b", "2", "win.properties:2"));
  }

  @Test
  void missingFileFailsNamingThePath() {
    Path missing = dir.resolve("nope.properties");

    assertThatThrownBy(() -> PropertySource.fromFile(missing))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString())
        .hasMessageContaining("no such file");
  }

  @Test
  void classpathResourceLocationsArePrefixedWithClasspath() {
    PropertySource source =
        PropertySource.fromClasspath(getClass().getClassLoader(), "io/mesh4j/config/sample.properties");

    assertThat(source.entries()).containsExactly(
        new PropertySource.Entry("mesh.service", "frontend", "classpath:io/mesh4j/config/sample.properties:2"));
  }

  @Test
  void missingClasspathResourceFailsNamingIt() {
    assertThatThrownBy(() -> PropertySource.fromClasspath(getClass().getClassLoader(), "absent.properties"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("classpath:absent.properties");
  }

  @Test
  void mapEntriesKeepIterationOrderAndTheGivenOrigin() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("mesh.service", "frontend");
    values.put("mesh.trust-domain", "example.org");

    assertThat(PropertySource.fromMap(values, "builder").entries()).isEqualTo(List.of(
        new PropertySource.Entry("mesh.service", "frontend", "builder"),
        new PropertySource.Entry("mesh.trust-domain", "example.org", "builder")));
  }
}
