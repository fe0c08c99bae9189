package io.mesh4j.benchmarks.lbq;

import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and null as indented JSON. Arrays of numbers stay
 * on one line (the time series); a non-finite number is written as null.
 */
final class Json {

  private final StringBuilder out = new StringBuilder();

  private Json() {}

  static String write(Object value) {
    Json json = new Json();
    json.value(value, 0);
    return json.out.append('\n').toString();
  }

  private void value(Object v, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Double d) {
      number(d);
    } else if (v instanceof Float f) {
      number(f.doubleValue());
    } else if (v instanceof Number || v instanceof Boolean) {
      out.append(v);
    } else if (v instanceof Map<?, ?> m) {
      object(m, depth);
    } else if (v instanceof double[] a) {
      out.append('[');
      for (int i = 0; i < a.length; i++) {
        out.append(i == 0 ? "" : ",");
        number(a[i]);
      }
      out.append(']');
    } else if (v instanceof long[] a) {
      out.append('[');
      for (int i = 0; i < a.length; i++) {
        out.append(i == 0 ? "" : ",").append(a[i]);
      }
      out.append(']');
    } else if (v instanceof Collection<?> c) {
      array(c, depth);
    } else {
      throw new IllegalArgumentException("not JSON: " + v.getClass());
    }
  }

  private void object(Map<?, ?> m, int depth) {
    if (m.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<?, ?> e = it.next();
      newline(depth + 1);
      string(String.valueOf(e.getKey()));
      out.append(": ");
      value(e.getValue(), depth + 1);
      out.append(it.hasNext() ? "," : "");
    }
    newline(depth);
    out.append('}');
  }

  private void array(Collection<?> c, int depth) {
    boolean scalars = c.stream().allMatch(x -> x == null || x instanceof Number || x instanceof String || x instanceof Boolean);
    out.append('[');
    Iterator<?> it = c.iterator();
    while (it.hasNext()) {
      if (!scalars) {
        newline(depth + 1);
      }
      value(it.next(), depth + 1);
      out.append(it.hasNext() ? (scalars ? ", " : ",") : "");
    }
    if (!scalars && !c.isEmpty()) {
      newline(depth);
    }
    out.append(']');
  }

  private void number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      out.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append((long) d);
    } else {
      // 6 significant digits: plenty for shares and milliseconds, and a readable file
      out.append(Double.parseDouble(String.format(Locale.ROOT, "%.6g", d)));
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private void newline(int depth) {
    out.append('\n').append("  ".repeat(depth));
  }
}
