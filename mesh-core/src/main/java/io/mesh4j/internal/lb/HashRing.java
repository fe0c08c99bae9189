package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.Arrays;

/**
 * Envoy's ketama-style consistent hash ring: each endpoint gets virtual nodes in proportion to its
 * weight, the lightest at least {@code minRingSize × its share} of them, hashed from
 * {@code host:port_n}. A key belongs to the first node at or after its hash, wrapping around.
 *
 * <p>Each node is one sortable long: the upper bits are the node's hash (its sign bit flipped so
 * signed order is unsigned order), the low {@link #OWNER_BITS} bits the owning endpoint's index.
 * That keeps a ring of millions of nodes in one primitive array, sorted without boxing.
 */
final class HashRing {

  /** Envoy's default upper bound on the ring size. */
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
    double totalWeight = 0;
    int minWeight = Integer.MAX_VALUE;
    for (Endpoint e : endpoints) {
      totalWeight += e.weight();
      minWeight = Math.min(minWeight, e.weight());
    }
    // scale so that the lightest endpoint gets ceil(minRingSize × its share) nodes
    double minShare = minWeight / totalWeight;
    double scale = Math.min(Math.ceil(minShare * minRingSize) / minShare, MAX_RING_SIZE);
    long[] nodes = new long[(int) Math.ceil(scale) + endpoints.length];
    int count = 0;
    double target = 0;
    for (int owner = 0; owner < endpoints.length; owner++) {
      target += scale * endpoints[owner].weight() / totalWeight;
      String prefix = endpoints[owner].authority() + "_";
      for (int n = 0; count < target && count < nodes.length; n++) {
        nodes[count++] = position(XxHash64.hash(prefix + n, 0)) | owner;
      }
    }
    long[] ring = Arrays.copyOf(nodes, count);
    Arrays.sort(ring);
    return new HashRing(ring);
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
