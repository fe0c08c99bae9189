package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.Arrays;

/**
 * Envoy's ketama-style consistent hash ring: each endpoint gets virtual nodes in proportion to its
 * weight ({@link #nodeCounts}), hashed from {@code host:port_n}. A key belongs to the first node at
 * or after its hash, wrapping around.
 *
 * <p>Each node is one sortable long: the upper bits are the node's hash (its sign bit flipped so
 * signed order is unsigned order), the low {@link #OWNER_BITS} bits the owning endpoint's index.
 * That keeps a ring of millions of nodes in one primitive array, sorted without boxing.
 */
final class HashRing {

  /** Envoy's default upper bound on the ring size; also bounds the min-ring-size key. */
  static final int MAX_RING_SIZE = 1 << 23;

  static final int OWNER_BITS = 24;
  private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

  private final long[] nodes;

  private HashRing(long[] nodes) {
    this.nodes = nodes;
  }

  static HashRing build(Endpoint[] endpoints, int minRingSize) {
    if (endpoints.length > OWNER_MASK) {
      throw new IllegalArgumentException("too many endpoints for a hash ring: " + endpoints.length);
    }
    long[] nodesPerEndpoint = nodeCounts(endpoints, minRingSize);
    long total = 0;
    for (long n : nodesPerEndpoint) {
      total += n;
    }
    long[] nodes = new long[Math.toIntExact(total)];
    int count = 0;
    for (int owner = 0; owner < endpoints.length; owner++) {
      String prefix = endpoints[owner].authority() + "_";
      for (int n = 0; n < nodesPerEndpoint[owner]; n++) {
        nodes[count++] = position(XxHash64.hash(prefix + n, 0)) | owner;
      }
    }
    Arrays.sort(nodes);
    return new HashRing(nodes);
  }

  /**
   * Virtual nodes per endpoint: the lightest gets {@code minRingSize × its share of the weight},
   * rounded up to a power of two, and the others as many times that as their weight is times the
   * lightest's. Envoy does not round; rounding keeps every endpoint's count the same when one of
   * ten endpoints leaves (103 vs 114 nodes would both become 128), so only the keys of the endpoint
   * that left move, not also keys taken over by the survivors' new nodes.
   */
  static long[] nodeCounts(Endpoint[] endpoints, int minRingSize) {
    long totalWeight = 0;
    int minWeight = Integer.MAX_VALUE;
    for (Endpoint e : endpoints) {
      totalWeight += e.weight();
      minWeight = Math.min(minWeight, e.weight());
    }
    long lightest = Math.max(1, (long) Math.ceil((double) minRingSize * minWeight / totalWeight));
    double perWeight = (double) ceilPowerOfTwo(lightest) / minWeight;
    double total = perWeight * totalWeight;
    if (total > MAX_RING_SIZE) {
      perWeight *= MAX_RING_SIZE / total; // bounded memory beats stability at this size
    }
    long[] counts = new long[endpoints.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(1, Math.round(perWeight * endpoints[i].weight()));
    }
    return counts;
  }

  private static long ceilPowerOfTwo(long n) {
    return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
  }

  /** The hash as a signed-sortable value with the owner bits cleared. */
  private static long position(long hash) {
    return (hash ^ Long.MIN_VALUE) & ~OWNER_MASK;
  }

  int size() {
    return nodes.length;
  }

  /** Index of the first node at or after {@code hash}, wrapping around. */
  int nodeFor(long hash) {
    int found = Arrays.binarySearch(nodes, position(hash));
    int node = found >= 0 ? found : -found - 1;
    return node == nodes.length ? 0 : node;
  }

  int ownerOf(int node) {
    return (int) (nodes[node] & OWNER_MASK);
  }
}
