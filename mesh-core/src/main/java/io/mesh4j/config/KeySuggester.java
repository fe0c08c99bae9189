package io.mesh4j.config;

import java.util.Optional;

/** Finds the known name closest to a misspelt one, by Damerau-Levenshtein distance. */
final class KeySuggester {

  private KeySuggester() {}

  /** The candidate closest to {@code typed}, if one is close enough to be a likely typo. */
  static Optional<String> closest(String typed, Iterable<String> candidates) {
    int limit = maxDistance(typed.length());
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(typed, candidate);
      if (d <= limit && (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0))) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Short names allow fewer edits, or every short typo would "match" something. */
  static int maxDistance(int length) {
    return length <= 3 ? 1 : length <= 8 ? 2 : 3;
  }

  /** Edits (insert, delete, substitute, swap adjacent) to turn {@code a} into {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1); // transposition
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
