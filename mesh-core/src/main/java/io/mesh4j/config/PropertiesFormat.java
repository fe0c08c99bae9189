package io.mesh4j.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code .properties} format keeping each entry's line number, which {@link
 * java.util.Properties} throws away. Same syntax as {@code Properties.load} ({@code #}/{@code !}
 * comment lines, {@code =}, {@code :} or whitespace separators, backslash continuation, escapes
 * including {@code \}{@code uXXXX}) with two deliberate differences, because the mesh's documented
 * examples rely on them:
 *
 * <ul>
 *   <li>an inline comment: a {@code #} that follows a space or tab on the same line ends the value
 *       (write {@code \#} for a literal one); a backslash at the end of such a line does not continue
 *       it;
 *   <li>trailing unescaped whitespace of a value is dropped.
 * </ul>
 *
 * (A line of only a backslash at the end of the file adds nothing; {@code Properties.load} may
 * make an empty key of it.)
 *
 * A key set twice is a problem naming both lines, not a silent last-wins.
 */
final class PropertiesFormat {

  /** What one file yields: its entries in file order, and what was wrong with its syntax. */
  record Result(List<PropertySource.Entry> entries, List<ConfigProblem> problems) {}

  private final List<String> lines;
  private final String origin;
  private final List<PropertySource.Entry> entries = new ArrayList<>();
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, Integer> firstLineOfKey = new HashMap<>();

  // Cursor over the physical lines.
  private int line;
  private int col;

  private PropertiesFormat(String text, String origin) {
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1); // a BOM some editors write
    }
    this.lines = text.lines().toList();
    this.origin = origin;
  }

  /** Parses {@code text}; locations are {@code <origin>:<line>}. */
  static Result parse(String text, String origin) {
    PropertiesFormat format = new PropertiesFormat(text, origin);
    format.readAll();
    return new Result(List.copyOf(format.entries), List.copyOf(format.problems));
  }

  private void readAll() {
    for (line = 0; line < lines.size(); line++) {
      col = 0;
      // Leading blanks, continuation lines included: a line of only a backslash joined to a blank
      // line is blank, and a '#' or '!' after it starts a comment, as Properties.load has it.
      skipBlank();
      String current = lines.get(line);
      if (col == current.length() || current.charAt(col) == '#' || current.charAt(col) == '!') {
        continue;
      }
      int startLine = line + 1;
      String key = null;
      try {
        key = readText(true);
        skipSeparator();
        String value = readText(false);
        add(key, value, startLine);
      } catch (MalformedEscape e) {
        problems.add(new ConfigProblem(key != null ? key : e.keySoFar, null, location(startLine),
            "malformed \\uXXXX escape (expected: \\u and four hex digits)"));
        skipRestOfLogicalLine();
      }
    }
  }

  private void skipRestOfLogicalLine() {
    while (line + 1 < lines.size() && endsWithContinuation(lines.get(line))) {
      line++;
    }
  }

  /** An odd number of trailing backslashes: the last one is not itself escaped. */
  private static boolean endsWithContinuation(String s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private void add(String key, String value, int lineNumber) {
    Integer first = firstLineOfKey.putIfAbsent(key, lineNumber);
    if (first != null) {
      problems.add(new ConfigProblem(key, value, location(lineNumber),
          "duplicate key: already set at " + location(first) + " (expected: each key once per file)"));
      return;
    }
    entries.add(new PropertySource.Entry(key, value, location(lineNumber)));
  }

  private String location(int lineNumber) {
    return origin + ":" + lineNumber;
  }

  /**
   * Reads a key (up to an unescaped separator) or a value (up to the end of the logical line or an
   * inline comment), decoding escapes and following continuation lines.
   */
  private String readText(boolean key) {
    StringBuilder out = new StringBuilder();
    int significant = 0; // length of out up to its last non-whitespace or escaped char
    while (true) {
      String current = lines.get(line);
      if (col >= current.length()) {
        break;
      }
      char c = current.charAt(col);
      if (key && (c == '=' || c == ':' || isWhitespace(c))) {
        break;
      }
      if (!key && c == '#' && col > 0 && isWhitespace(current.charAt(col - 1))) {
        col = current.length(); // inline comment: the rest of this physical line
        break;
      }
      if (c == '\\') {
        if (col == current.length() - 1) {
          if (!continueOnNextLine()) {
            break;
          }
          continue;
        }
        out.append(decodeEscape(current, out));
        significant = out.length();
        continue;
      }
      out.append(c);
      col++;
      if (!isWhitespace(c)) {
        significant = out.length();
      }
    }
    if (!key) {
      out.setLength(significant);
    }
    return out.toString();
  }

  /** Skips the whitespace around one optional {@code =} or {@code :} between key and value. */
  private void skipSeparator() {
    skipBlank();
    String current = lines.get(line);
    if (col < current.length() && (current.charAt(col) == '=' || current.charAt(col) == ':')) {
      col++;
      skipBlank();
    }
  }

  /** Skips whitespace, following continuation lines. */
  private void skipBlank() {
    while (true) {
      String current = lines.get(line);
      col = skipWhitespace(current, col);
      boolean continuation = col == current.length() - 1 && current.charAt(col) == '\\';
      if (!continuation || !continueOnNextLine()) {
        return;
      }
    }
  }

  /** Moves to the first non-blank char of the next line; false at end of input. */
  private boolean continueOnNextLine() {
    if (line + 1 >= lines.size()) {
      col = lines.get(line).length(); // a backslash at end of input is dropped, as Properties does
      return false;
    }
    line++;
    col = skipWhitespace(lines.get(line), 0);
    return true;
  }

  private char decodeEscape(String current, StringBuilder soFar) {
    char e = current.charAt(col + 1);
    col += 2;
    switch (e) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'u':
        if (col + 4 > current.length()) {
          throw new MalformedEscape(soFar.toString());
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(current.charAt(col + i), 16);
          if (digit < 0) {
            throw new MalformedEscape(soFar.toString());
          }
          code = code * 16 + digit;
        }
        col += 4;
        return (char) code;
      default:
        return e; // \\, \=, \:, \#, \! and any other char stand for themselves
    }
  }

  private static int skipWhitespace(String s, int from) {
    int i = from;
    while (i < s.length() && isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\f';
  }

  /** Control flow for a bad \\u escape: the entry is skipped and reported. */
  private static final class MalformedEscape extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String keySoFar;

    MalformedEscape(String keySoFar) {
      super(null, null, false, false);
      this.keySoFar = keySoFar;
    }
  }
}
