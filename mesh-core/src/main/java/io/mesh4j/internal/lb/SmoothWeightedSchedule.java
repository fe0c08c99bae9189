package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;

/**
 * One period of nginx's smooth weighted round-robin, computed once per endpoint update. Each step
 * adds every weight to its endpoint's running score, picks the highest score and subtracts the
 * total from it: weights 5,1,1 give a,a,b,a,c,a,a rather than a,a,a,a,a,b,c.
 *
 * <p>Why a precomputed schedule: nginx mutates every score on every pick, which needs a lock. The
 * sequence is periodic with period sum(weights), so walking a precomputed period with one atomic
 * counter yields exactly the same picks lock-free and in O(1).
 */
final class SmoothWeightedSchedule {

  /** Bounds memory (4 bytes a slot) and build time; larger weight sums are scaled down. */
  static final int MAX_PERIOD = 1 << 14;

  private SmoothWeightedSchedule() {}

  /** Endpoint indices in pick order, one period long, by the endpoints' own weights. */
  static int[] of(Endpoint[] endpoints) {
    return of(ownWeights(endpoints));
  }

  /** Indices in pick order, one period long, for these weights (each at least 1). */
  static int[] of(int[] endpointWeights) {
    long[] weights = reducedWeights(endpointWeights);
    long total = 0;
    for (long w : weights) {
      total += w;
    }
    int[] schedule = new int[Math.toIntExact(total)];
    long[] score = new long[weights.length];
    for (int step = 0; step < schedule.length; step++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        score[i] += weights[i];
        if (score[i] > score[best]) {
          best = i;
        }
      }
      score[best] -= total;
      schedule[step] = best;
    }
    return schedule;
  }

  /** Weights divided by their GCD, then scaled (each at least 1) so that the period stays bounded. */
  static long[] reducedWeights(int[] endpointWeights) {
    long gcd = 0;
    long total = 0;
    for (int w : endpointWeights) {
      gcd = gcd(gcd, w);
      total += w;
    }
    long[] weights = new long[endpointWeights.length];
    long reducedTotal = total / gcd;
    double scale = reducedTotal > MAX_PERIOD ? (double) MAX_PERIOD / reducedTotal : 1.0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.max(1, Math.round(endpointWeights[i] / gcd * scale));
    }
    return weights;
  }

  private static int[] ownWeights(Endpoint[] endpoints) {
    int[] weights = new int[endpoints.length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = endpoints[i].weight();
    }
    return weights;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
