package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Fuzzes the properties format ({@link PropertySource} text parsing): mesh.properties files and
 * classpath resources. The parser never throws; what it cannot read becomes a problem with a
 * location. What it reads, written back with escapes, reads the same; and where the format is
 * meant to agree with {@link Properties#load} (no '#' anywhere, so no inline comment; no problem
 * reported) it does, up to the trailing whitespace it deliberately drops and a backslash ending
 * the file.
 */
class PropertiesFormatFuzzTest {

  private static final String ORIGIN = "fuzz.properties";

  @FuzzTest
  void parse(byte[] data) throws IOException {
    String text = new String(data, StandardCharsets.UTF_8);
    PropertySource source = PropertySource.parse(text, ORIGIN);
    int lines = Math.max(1, text.lines().toList().size());

    Set<String> keys = new HashSet<>();
    int lastLine = 0;
    for (PropertySource.Entry e : source.entries()) {
      assertThat(keys.add(e.key())).as("key %s once", e.key()).isTrue();
      int line = lineOf(e.location(), lines);
      assertThat(line).as("entries in file order").isGreaterThanOrEqualTo(lastLine);
      lastLine = line;
    }
    for (ConfigProblem p : source.problems()) {
      // a syntax problem says where, so the user can find the line
      assertThat(p.key()).isNotNull();
      lineOf(p.location(), lines);
      assertThat(p.message()).isNotBlank();
    }

    // written back with escapes, the entries read the same and nothing is wrong with them
    PropertySource again = PropertySource.parse(write(source.entries()), "rewritten.properties");
    assertThat(again.problems()).isEmpty();
    assertThat(again.entries().stream().map(e -> List.of(e.key(), e.value())).toList())
        .isEqualTo(source.entries().stream().map(e -> List.of(e.key(), e.value())).toList());

    String plain = text.startsWith("\uFEFF") ? text.substring(1) : text;
    if (source.problems().isEmpty() && plain.indexOf('#') < 0) {
      Properties jdk = new Properties();
      // no problem reported: the JDK must read it too (but for lone backslashes ending the file,
      // which Properties may make an empty key of, overriding an earlier one, and we ignore)
      jdk.load(new StringReader(withoutFinalLoneBackslash(plain)));
      if (!keys.contains("") && "".equals(jdk.getProperty(""))
          && plain.lines().anyMatch(l -> l.replaceFirst("^[ \\t\\f]*", "").equals("\\"))) {
        jdk.remove(""); // lines of only continuations: Properties may make an empty key of them
      }
      assertThat(jdk.stringPropertyNames()).isEqualTo(keys);
      for (PropertySource.Entry e : source.entries()) {
        String jdkValue = jdk.getProperty(e.key());
        // the one deliberate difference left: trailing unescaped whitespace is dropped
        assertThat(jdkValue).startsWith(e.value());
        assertThat(jdkValue.substring(e.value().length())).matches("[ \\t\\f]*");
      }
    }
  }

  /** The text without the blank and lone-backslash lines that end it. */
  private static String withoutFinalLoneBackslash(String text) {
    List<String> lines = text.lines().toList();
    int end = lines.size();
    // only leading blanks before the backslash: "\\ " is an escaped space, a key
    while (end > 0 && lines.get(end - 1).replaceFirst("^[ \\t\\f]*", "").matches("\\\\?")) {
      end--;
    }
    return end == lines.size() ? text : String.join("\n", lines.subList(0, end)) + "\n";
  }


  private static int lineOf(String location, int lines) {
    assertThat(location).startsWith(ORIGIN + ":");
    int line = Integer.parseInt(location.substring(ORIGIN.length() + 1));
    assertThat(line).isBetween(1, lines);
    return line;
  }

  /** Entries in the properties format, escaped so that each reads back exactly. */
  static String write(List<PropertySource.Entry> entries) {
    StringBuilder out = new StringBuilder();
    for (PropertySource.Entry e : entries) {
      out.append(escape(e.key(), true)).append('=').append(escape(e.value(), false)).append('\n');
    }
    return out.toString();
  }

  private static String escape(String s, boolean key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case '#', '!', '=', ':' -> out.append('\\').append(c);
        case ' ' -> out.append(key || i == 0 || i == s.length() - 1 ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
