package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A parent policy's picker over its children's pickers, one per group of endpoints (a priority, a
 * zone): it draws a group by the groups' shares, then lets that group's picker choose. Where a
 * request that must avoid endpoints (a retry) goes is the {@link RetryRule}'s choice. Immutable;
 * allocation-free on the pick path.
 */
public final class GroupPicker implements Picker {

  /** Where a retry goes. */
  public enum RetryRule {
    /**
     * The drawn group while it has an endpoint not yet tried, else the preferred group, else the
     * first group in order that has one (priorities: a retry stays in its priority).
     */
    SAME_GROUP_FIRST,
    /**
     * A group of which the request tried no endpoint yet: the preferred one if so, else one drawn
     * in proportion to the groups' sizes (zones: failures within a zone go together, as when a
     * zone goes down, so a retry goes to another zone, and the retries of a zone's clients spread
     * over the others); when every group was tried, as {@link #SAME_GROUP_FIRST}.
     */
    UNTRIED_GROUP_FIRST
  }

  /** Shares are parts of this whole (0.01 % each). */
  public static final int SCALE = 10_000;

  private final Picker[] pickers;
  private final int[] cumulative;
  private final int[] sizes;
  private final Map<Endpoint, Integer> groupOf;
  private final Map<Endpoint, Integer> excludedGroupOf;
  private final int preferred;
  private final int only;
  private final RetryRule retryRule;

  /**
   * @param pickers one per group, in spill order
   * @param shares one per group, adding up to {@link #SCALE}; 0 for a group reached only by retries
   * @param sizes the number of endpoints of each group
   * @param groupOf the group of each endpoint
   * @param preferred the group a retry tries after its drawn one, or -1
   * @param retryRule where a retry goes
   * @param excludedGroupOf the group of each endpoint left out of the groups (unhealthy, ejected):
   *     a retry whose first attempt failed on an endpoint since ejected still counts its group as
   *     tried
   */
  public GroupPicker(
      Picker[] pickers, int[] shares, int[] sizes, Map<Endpoint, Integer> groupOf, int preferred,
      RetryRule retryRule, Map<Endpoint, Integer> excludedGroupOf) {
    this.pickers = pickers.clone();
    this.cumulative = new int[shares.length];
    int sum = 0;
    int whole = -1;
    for (int i = 0; i < shares.length; i++) {
      sum += shares[i];
      cumulative[i] = sum;
      if (shares[i] == SCALE) {
        whole = i;
      }
    }
    if (sum != SCALE) {
      throw new IllegalArgumentException("shares add up to " + sum + ", not " + SCALE);
    }
    this.sizes = sizes.clone();
    this.groupOf = Map.copyOf(groupOf);
    this.preferred = preferred;
    this.only = whole;
    this.retryRule = retryRule;
    this.excludedGroupOf = Map.copyOf(excludedGroupOf);
  }

  @Override
  public PickResult pick(PickRequest request) {
    int group = only >= 0 ? only : draw(request.hashKey());
    Set<Endpoint> avoid = request.avoid();
    if (!avoid.isEmpty()) {
      int untried = retryRule == RetryRule.UNTRIED_GROUP_FIRST ? untriedGroup(avoid) : -1;
      if (untried >= 0) {
        group = untried;
      } else if (!hasUntried(group, avoid)) {
        group = spill(group, avoid);
      }
    }
    return pickers[group].pick(request);
  }

  /** The preferred group if untried, else an untried group drawn by size; -1 when none is left. */
  private int untriedGroup(Set<Endpoint> avoid) {
    if (preferred >= 0 && sizes[preferred] > 0 && !touched(preferred, avoid)) {
      return preferred;
    }
    int total = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (!touched(i, avoid)) {
        total += sizes[i];
      }
    }
    if (total == 0) {
      return -1;
    }
    int r = ThreadLocalRandom.current().nextInt(total);
    for (int i = 0; i < sizes.length; i++) {
      if (!touched(i, avoid)) {
        if (r < sizes[i]) {
          return i;
        }
        r -= sizes[i];
      }
    }
    return -1; // unreachable: r < total
  }

  /**
   * A request with a hash key always draws the same group (while the shares stay), so that
   * consistent-hash children keep mapping a key to one endpoint.
   */
  private int draw(String hashKey) {
    int r = hashKey == null
        ? ThreadLocalRandom.current().nextInt(SCALE)
        : Math.floorMod(mix(hashKey.hashCode()), SCALE);
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1; // unreachable: the last cumulative share is SCALE
  }

  private int spill(int drawn, Set<Endpoint> avoid) {
    if (preferred >= 0 && preferred != drawn && hasUntried(preferred, avoid)) {
      return preferred;
    }
    for (int i = 0; i < sizes.length; i++) {
      if (i != drawn && hasUntried(i, avoid)) {
        return i;
      }
    }
    return drawn; // every endpoint was tried: the drawn group's picker falls back to one of them
  }

  private boolean hasUntried(int group, Set<Endpoint> avoid) {
    return triedIn(group, avoid) < sizes[group];
  }

  /** True when the request tried an endpoint of {@code group}, one excluded since included. */
  private boolean touched(int group, Set<Endpoint> avoid) {
    for (Endpoint e : avoid) {
      Integer g = groupOf.get(e);
      if (g == null) {
        g = excludedGroupOf.get(e);
      }
      if (g != null && g == group) {
        return true;
      }
    }
    return false;
  }

  private int triedIn(int group, Set<Endpoint> avoid) {
    int tried = 0;
    for (Endpoint e : avoid) {
      Integer g = groupOf.get(e);
      if (g != null && g == group) {
        tried++;
      }
    }
    return tried;
  }

  /** Murmur3's 32-bit finalizer: String.hashCode's low bits alone are poorly spread. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
