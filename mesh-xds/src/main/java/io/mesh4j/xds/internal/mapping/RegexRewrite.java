package io.mesh4j.xds.internal.mapping;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@link RegexMatchAndSubstitute} with RE2's {@code GlobalReplace} semantics: every match
 * replaced; in the substitution {@code \0}..{@code \9} name a group (one digit: {@code \12} is group 1
 * then '2'), {@code \\} is a backslash, any other backslash is an error. The groups are checked
 * against the pattern when compiled, so applying it never fails.
 */
final class RegexRewrite {

  private final Pattern pattern;
  /** Literal strings and group numbers (Integer), in order. */
  private final List<Object> parts;

  private RegexRewrite(Pattern pattern, List<Object> parts) {
    this.pattern = pattern;
    this.parts = parts;
  }

  /** The rewrite, or null after adding an error naming the field ({@code f} is the RegexMatchAndSubstitute). */
  static RegexRewrite compile(RegexMatchAndSubstitute r, String f, Errors errors) {
    Pattern p = Re2.compile(r.getPattern().getRegex(), f + ".pattern.regex", errors);
    if (p == null) {
      return null;
    }
    String s = r.getSubstitution();
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        literal.append(c);
        continue;
      }
      char d = i + 1 < s.length() ? s.charAt(++i) : 0;
      if (d == '\\') {
        literal.append('\\');
      } else if (d >= '0' && d <= '9') {
        int group = d - '0';
        if (group > p.groupCount()) {
          errors.add(f + ".substitution", "'" + s + "' names group " + group + " but the pattern has "
              + p.groupCount() + " group(s)");
          return null;
        }
        if (!literal.isEmpty()) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(group);
      } else {
        errors.add(f + ".substitution", "'" + s + "': a backslash must be followed by a digit or a backslash"
            + " (RE2's rewrite syntax)");
        return null;
      }
    }
    if (!literal.isEmpty()) {
      parts.add(literal.toString());
    }
    return new RegexRewrite(p, List.copyOf(parts));
  }

  /** The input with every match of the pattern replaced. */
  String apply(String input) {
    Matcher m = pattern.matcher(input);
    StringBuilder out = null;
    int last = 0;
    int lastEnd = -1;
    while (m.find()) {
      if (m.start() == m.end() && m.start() == lastEnd) {
        continue; // RE2: no empty match right where the previous match ended ("b*" on "abbc": "-a-c-")
      }
      if (out == null) {
        out = new StringBuilder(input.length() + 16);
      }
      out.append(input, last, m.start());
      for (Object part : parts) {
        if (part instanceof Integer g) {
          String v = m.group(g);
          if (v != null) {
            out.append(v);
          }
        } else {
          out.append((String) part);
        }
      }
      last = m.end();
      lastEnd = last;
    }
    if (out == null) {
      return input;
    }
    return out.append(input, last, input.length()).toString();
  }
}
