package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Draws endpoint indices at random in proportion to their weights ({@link Endpoint#weight()}, or
 * those of the update). Immutable.
 */
public final class WeightedSampler {

  private final int size;
  /** Running sums of the weights; null when all weights are equal and a plain nextInt suffices. */
  private final long[] cumulative;

  private WeightedSampler(int size, long[] cumulative) {
    this.size = size;
    this.cumulative = cumulative;
  }

  public static WeightedSampler of(Endpoint[] endpoints) {
    int[] weights = new int[endpoints.length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = endpoints[i].weight();
    }
    return of(weights);
  }

  /** A sampler over indices 0..n-1 with these weights (each at least 1). */
  public static WeightedSampler of(int[] weights) {
    boolean uniform = true;
    long[] cumulative = new long[weights.length];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
      uniform &= weights[i] == weights[0];
    }
    return new WeightedSampler(weights.length, uniform ? null : cumulative);
  }

  public int sample() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (cumulative == null) {
      return size == 1 ? 0 : random.nextInt(size);
    }
    long x = random.nextLong(cumulative[size - 1]);
    // endpoint i owns [cumulative[i-1], cumulative[i]); an exact hit on a sum belongs to the next one
    int found = Arrays.binarySearch(cumulative, x);
    return found >= 0 ? found + 1 : -found - 1;
  }

  /** A weighted draw different from {@code taken} (when there is more than one endpoint). */
  public int sampleOtherThan(int taken) {
    if (size == 1) {
      return taken;
    }
    for (int attempt = 0; attempt < 3; attempt++) {
      int other = sample();
      if (other != taken) {
        return other;
      }
    }
    // one endpoint holds most of the weight: take any other rather than loop
    return (taken + 1 + ThreadLocalRandom.current().nextInt(size - 1)) % size;
  }
}
