package io.mesh4j.internal.lb;

/**
 * How much of a priority's traffic each zone gets, from this client's zone and the zones' healthy
 * and total endpoint counts: Envoy's zone-aware routing, with the local zone's share of <em>all</em>
 * the service's endpoints standing in for the share of clients in that zone (which Envoy reads from
 * its own cluster's membership and a client-side mesh cannot know).
 *
 * <ul>
 *   <li><b>direct</b>: the local zone holds at least its share of the healthy endpoints (healthy
 *       share ≥ share of all endpoints): it gets everything;
 *   <li><b>residual</b>: it holds less: it gets healthy share ÷ share of all (the part its healthy
 *       endpoints can serve at the per-endpoint rate the others see), and the rest goes to the zones
 *       that hold more than their share of healthy endpoints, in proportion to that surplus;
 *   <li><b>spread</b>: no routing by zone — every zone in proportion to its healthy endpoints (all
 *       its endpoints in panic) — when the priority is in panic, has fewer endpoints than the minimum
 *       cluster size, or the client's zone has no healthy endpoint (or none at all). Envoy counts only
 *       the healthy endpoints against its {@code min_cluster_size}; counting all of them avoids a
 *       cliff where one failure in a 6-endpoint service turns zone routing off for everyone.
 * </ul>
 *
 * If every client routes this way and clients are spread over zones as the endpoints are, every
 * healthy endpoint sees the same rate. Shares are in {@link GroupPicker#SCALE} parts. Stateless.
 */
public final class ZoneShares {

  /** How the shares were decided. */
  public enum Mode {
    DIRECT,
    RESIDUAL,
    SPREAD
  }

  /**
   * @param mode how they were decided
   * @param shares per zone, in the order given, adding up to {@link GroupPicker#SCALE} (all zero
   *     when no zone has a healthy endpoint)
   */
  public record Result(Mode mode, int[] shares) {}

  private ZoneShares() {}

  /**
   * @param local index of the client's zone, or -1 when no endpoint is in it
   * @param healthy eligible endpoints per zone (in panic: every endpoint the zone balances over)
   * @param total all endpoints per zone, healthy or not
   * @param panic the priority balances over unhealthy endpoints too: do not route by zone
   * @param minClusterSize fewer endpoints (healthy or not) than this in all zones together: do not
   *     route by zone
   */
  public static Result of(int local, int[] healthy, int[] total, boolean panic, int minClusterSize) {
    long h = 0;
    long t = 0;
    for (int z = 0; z < healthy.length; z++) {
      h += healthy[z];
      t += total[z];
    }
    if (panic || t < minClusterSize || local < 0 || healthy[local] == 0) {
      return new Result(Mode.SPREAD, spread(healthy, h));
    }
    // healthy share hL/H against share of all tL/T, in integers: hL·T against tL·H
    long localHealthy = healthy[local] * t;
    long localExpected = (long) total[local] * h;
    int[] shares = new int[healthy.length];
    if (localHealthy >= localExpected) {
      shares[local] = GroupPicker.SCALE;
      return new Result(Mode.DIRECT, shares);
    }
    shares[local] = (int) (GroupPicker.SCALE * localHealthy / localExpected);
    long[] surplus = new long[healthy.length];
    for (int z = 0; z < healthy.length; z++) {
      if (z != local) {
        surplus[z] = Math.max(0, healthy[z] * t - (long) total[z] * h); // (hz/H - tz/T) · H·T
      }
    }
    int[] residual = proportional(GroupPicker.SCALE - shares[local], surplus);
    for (int z = 0; z < healthy.length; z++) {
      shares[z] += residual[z];
    }
    return new Result(Mode.RESIDUAL, shares);
  }

  private static int[] spread(int[] healthy, long sum) {
    long[] weights = new long[healthy.length];
    for (int z = 0; z < healthy.length; z++) {
      weights[z] = healthy[z];
    }
    return sum == 0 ? new int[healthy.length] : proportional(GroupPicker.SCALE, weights);
  }

  /** {@code whole} split in proportion to the weights (some positive), the rounding to the largest. */
  static int[] proportional(int whole, long[] weights) {
    long sum = 0;
    int largest = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      if (weights[i] > weights[largest]) {
        largest = i;
      }
    }
    int[] out = new int[weights.length];
    int left = whole;
    for (int i = 0; i < weights.length; i++) {
      out[i] = (int) (whole * weights[i] / sum);
      left -= out[i];
    }
    out[largest] += left;
    return out;
  }
}
