package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.Arrays;

/**
 * Google's Maglev lookup table (NSDI '16), with Envoy's weighting: every endpoint has its own
 * permutation of the table's slots (offset and skip from two hashes of {@code host:port}) and the
 * endpoints take turns claiming their next free slot; an endpoint with half the top weight takes a
 * turn every second round. The table size must be prime so that every skip visits every slot.
 */
final class MaglevTable implements HashLookup {

  static final int DEFAULT_SIZE = 65537;
  /** Envoy's upper bound. */
  static final int MAX_SIZE = 5_000_011;

  private static final long OFFSET_SEED = 0;
  private static final long SKIP_SEED = 1;

  private final int[] slots;

  private MaglevTable(int[] slots) {
    this.slots = slots;
  }

  static MaglevTable build(Endpoint[] endpoints, int size) {
    if (!Primes.isPrime(size)) {
      throw new IllegalArgumentException("maglev table size " + size + " is not prime");
    }
    int n = endpoints.length;
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] nextInPermutation = new long[n];
    long[] turnsTaken = new long[n];
    int maxWeight = 0;
    for (int i = 0; i < n; i++) {
      String key = endpoints[i].authority();
      offset[i] = Long.remainderUnsigned(XxHash64.hash(key, OFFSET_SEED), size);
      skip[i] = Long.remainderUnsigned(XxHash64.hash(key, SKIP_SEED), size - 1) + 1;
      maxWeight = Math.max(maxWeight, endpoints[i].weight());
    }
    int[] slots = new int[size];
    Arrays.fill(slots, -1);
    int filled = 0;
    for (long round = 1; filled < size; round++) {
      for (int i = 0; i < n && filled < size; i++) {
        // endpoint i takes a turn in this round only if its weight has earned it one
        if (round * endpoints[i].weight() < turnsTaken[i]) {
          continue;
        }
        turnsTaken[i] += maxWeight;
        int slot;
        do {
          slot = (int) ((offset[i] + nextInPermutation[i]++ * skip[i]) % size);
        } while (slots[slot] >= 0);
        slots[slot] = i;
        filled++;
      }
    }
    return new MaglevTable(slots);
  }

  @Override
  public int size() {
    return slots.length;
  }

  @Override
  public int slotFor(long hash) {
    return (int) Long.remainderUnsigned(hash, slots.length);
  }

  @Override
  public int ownerOf(int slot) {
    return slots[slot];
  }
}
