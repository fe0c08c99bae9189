package io.mesh4j.xds.internal.mapping;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RE2 patterns (Envoy's {@code safe_regex}) as {@link Pattern}s. The syntax RE2 and Java share is
 * kept; what RE2 writes differently is translated ({@code (?P<name>}, {@code [[:alpha:]]}, {@code \v},
 * {@code &} in classes); what Java would read with another meaning or RE2 refuses (back-references,
 * look-around, possessive quantifiers, atomic groups, {@code (?U)}, Java-only escapes) is an error,
 * so a pattern never matches differently than in Envoy without saying so.
 */
final class Re2 {

  /** Java's {@code .} then excludes only {@code \n}, and {@code (?i)} folds Unicode case, as RE2's. */
  private static final int FLAGS = Pattern.UNIX_LINES | Pattern.UNICODE_CASE;

  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alnum", "Alnum"), Map.entry("alpha", "Alpha"), Map.entry("ascii", "ASCII"),
      Map.entry("blank", "Blank"), Map.entry("cntrl", "Cntrl"), Map.entry("digit", "Digit"),
      Map.entry("graph", "Graph"), Map.entry("lower", "Lower"), Map.entry("print", "Print"),
      Map.entry("punct", "Punct"), Map.entry("space", "Space"), Map.entry("upper", "Upper"),
      Map.entry("word", "Word"), Map.entry("xdigit", "XDigit"));

  private Re2() {}

  /** The pattern, or null after adding an error naming {@code field}. */
  static Pattern compile(String regex, String field, Errors errors) {
    String java;
    try {
      java = translate(regex);
    } catch (IllegalArgumentException e) {
      errors.add(field, "'" + regex + "': " + e.getMessage());
      return null;
    }
    try {
      return Pattern.compile(java, FLAGS);
    } catch (PatternSyntaxException e) {
      errors.add(field, "'" + regex + "' is not a valid regular expression: " + e.getDescription());
      return null;
    }
  }

  static String translate(String re) {
    StringBuilder out = new StringBuilder(re.length() + 8);
    boolean inClass = false;
    int n = re.length();
    int i = 0;
    while (i < n) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          throw new IllegalArgumentException("ends with a lone backslash");
        }
        char d = re.charAt(i + 1);
        if (d == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          int stop = end < 0 ? n : end + 2;
          out.append(re, i, stop);
          if (end < 0) {
            out.append("\\E");
          }
          i = stop;
          continue;
        }
        if (Character.isDigit(d)) {
          throw new IllegalArgumentException("back-references and octal escapes (\\" + d + ") are not RE2");
        }
        if (d == 'v') {
          out.append("\\x0B"); // RE2: the vertical tab; Java: any vertical whitespace
        } else if ("hHRXGZKkVNecC".indexOf(d) >= 0) {
          throw new IllegalArgumentException("\\" + d + " is not RE2 syntax (or means something else in RE2)");
        } else if (d == 'z') {
          out.append("\\z");
        } else {
          out.append(c).append(d);
        }
        i += 2;
        continue;
      }
      if (inClass) {
        if (c == '[' && i + 1 < n && re.charAt(i + 1) == ':') {
          int close = re.indexOf(":]", i + 2);
          if (close < 0) {
            throw new IllegalArgumentException("unclosed POSIX class at " + i);
          }
          String name = re.substring(i + 2, close);
          boolean negated = name.startsWith("^");
          String javaName = POSIX.get(negated ? name.substring(1) : name);
          if (javaName == null) {
            throw new IllegalArgumentException("unknown POSIX class [:" + name + ":]");
          }
          out.append(javaName.equals("Word") ? (negated ? "\\W" : "\\w") : (negated ? "\\P{" : "\\p{") + javaName + "}");
          i = close + 2;
          continue;
        }
        if (c == '[' || c == '&') {
          out.append('\\').append(c); // literal in RE2; union and intersection in Java
        } else if (c == ']') {
          inClass = false;
          out.append(c);
        } else {
          out.append(c);
        }
        i++;
        continue;
      }
      switch (c) {
        case '[' -> {
          inClass = true;
          out.append('[');
          i++;
          if (i < n && re.charAt(i) == '^') {
            out.append('^');
            i++;
          }
          if (i < n && re.charAt(i) == ']') {
            out.append("\\]"); // a ']' first in a class is literal in RE2
            i++;
          }
          continue;
        }
        case '(' -> {
          if (i + 1 < n && re.charAt(i + 1) == '?') {
            i = group(re, i, out);
            continue;
          }
        }
        case '*', '+', '?', '}' -> {
          if (i + 1 < n && re.charAt(i + 1) == '+') {
            throw new IllegalArgumentException("'" + c + "+' is a possessive quantifier in Java and an error in RE2");
          }
        }
        default -> { }
      }
      out.append(c);
      i++;
    }
    if (inClass) {
      throw new IllegalArgumentException("unclosed character class");
    }
    return out.toString();
  }

  /** A group opened by {@code (?} at {@code i}; returns the index after what it copied. */
  private static int group(String re, int i, StringBuilder out) {
    int j = i + 2;
    String rest = re.substring(j);
    if (rest.startsWith("P<") || (rest.startsWith("<") && !rest.startsWith("<=") && !rest.startsWith("<!"))) {
      int nameStart = j + (rest.startsWith("P<") ? 2 : 1);
      int close = re.indexOf('>', nameStart);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed group name");
      }
      String name = re.substring(nameStart, close);
      if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
        throw new IllegalArgumentException("group name '" + name + "' must be letters and digits for Java");
      }
      out.append("(?<").append(name).append('>');
      return close + 1;
    }
    if (rest.startsWith("=") || rest.startsWith("!") || rest.startsWith("<") || rest.startsWith(">")) {
      throw new IllegalArgumentException("look-around and atomic groups are not RE2 syntax");
    }
    int k = j;
    while (k < re.length() && "imsU-".indexOf(re.charAt(k)) >= 0) {
      if (re.charAt(k) == 'U') {
        throw new IllegalArgumentException("(?U) is ungreedy in RE2 but Unicode classes in Java: not supported");
      }
      k++;
    }
    if (k >= re.length() || (re.charAt(k) != ':' && re.charAt(k) != ')')) {
      throw new IllegalArgumentException("unsupported group syntax at " + i);
    }
    out.append(re, i, k + 1);
    return k + 1;
  }
}
