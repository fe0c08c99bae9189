package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a service's traffic is split between its priorities, and which priorities are in panic:
 * Envoy's priority load, computed from the healthy share of each priority. Immutable; used by
 * {@link PriorityLoadBalancer} to route and by the module that judges health to report panic, so
 * both agree.
 *
 * <ul>
 *   <li>A priority's <b>health</b> is its healthy percentage (of its endpoints, by count) times the
 *       overprovisioning factor, at most 100: with 1.4 a priority keeps all its traffic until fewer
 *       than ~72% of its endpoints are healthy.
 *   <li>Priorities in order (0 first) take min(what is left, their health) percent of the traffic;
 *       the rest spills to the next. When the healths add up to less than 100 (the priorities
 *       together lack capacity), each gets its health over that sum instead.
 *   <li><b>Panic</b>, only when the healths add up to less than 100: a priority whose healthy
 *       percentage is below the panic threshold balances over all its endpoints, healthy or not.
 *       When every priority is in panic, they share the traffic in proportion to their number of
 *       endpoints. While lower priorities can absorb the load, nothing panics.
 * </ul>
 *
 * Percentages are whole numbers, as Envoy's, so its documented tables hold here too.
 */
public final class PriorityLoad {

  /**
   * One priority level.
   *
   * @param priority the level, 0 first
   * @param healthy its eligible endpoints
   * @param excluded its other endpoints (unhealthy, draining, ejected)
   * @param healthyPercent healthy endpoints in percent of all of its endpoints, rounded down
   * @param health {@code min(100, healthyPercent × overprovisioning factor)}
   * @param load the percentage of the service's traffic it gets
   * @param panic true when it balances over all its endpoints because too few are healthy
   */
  public record Level(
      int priority, List<Endpoint> healthy, List<Endpoint> excluded, int healthyPercent, int health, int load,
      boolean panic) {

    public Level {
      healthy = List.copyOf(healthy);
      excluded = List.copyOf(excluded);
    }

    /** What the level balances over: its healthy endpoints, or in panic all of them. */
    public List<Endpoint> endpoints() {
      if (!panic || excluded.isEmpty()) {
        return healthy;
      }
      List<Endpoint> all = new ArrayList<>(healthy);
      all.addAll(excluded);
      return List.copyOf(all);
    }

    /** All its endpoints, healthy or not. */
    public int size() {
      return healthy.size() + excluded.size();
    }
  }

  private final List<Level> levels;
  private final int normalizedTotalHealth;

  private PriorityLoad(List<Level> levels, int normalizedTotalHealth) {
    this.levels = List.copyOf(levels);
    this.normalizedTotalHealth = normalizedTotalHealth;
  }

  /** The split for an update, with the service's {@code lb.priority.overprovisioning-factor}. */
  public static PriorityLoad of(LoadBalancerUpdate update) {
    return of(
        update.endpoints(),
        update.excluded(),
        update.config().get(LoadBalancerKeys.PRIORITY_OVERPROVISIONING_FACTOR),
        update.panicThreshold());
  }

  /**
   * @param eligible the endpoints judged healthy
   * @param excluded the others; an address in both lists (or twice) counts once, first as eligible
   * @param overprovisioningFactor at least 1
   * @param panicThreshold percent, 0 for never
   */
  public static PriorityLoad of(
      List<Endpoint> eligible, List<Endpoint> excluded, double overprovisioningFactor, int panicThreshold) {
    if (!(overprovisioningFactor >= 1.0)) {
      throw new IllegalArgumentException("overprovisioning factor " + overprovisioningFactor + " (expected: >= 1)");
    }
    TreeMap<Integer, List<Endpoint>> healthyByPriority = new TreeMap<>();
    TreeMap<Integer, List<Endpoint>> excludedByPriority = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Endpoint e : eligible) {
      if (seen.add(e.authority())) {
        healthyByPriority.computeIfAbsent(e.priority(), p -> new ArrayList<>()).add(e);
        excludedByPriority.computeIfAbsent(e.priority(), p -> new ArrayList<>());
      }
    }
    for (Endpoint e : excluded) {
      if (seen.add(e.authority())) {
        excludedByPriority.computeIfAbsent(e.priority(), p -> new ArrayList<>()).add(e);
        healthyByPriority.computeIfAbsent(e.priority(), p -> new ArrayList<>());
      }
    }
    int n = healthyByPriority.size();
    int[] priorities = new int[n];
    int[] sizes = new int[n];
    int[] healthyPercent = new int[n];
    int[] health = new int[n];
    // the factor as whole percent, as Envoy's: 71% healthy × 140 / 100 = 99, never 99.4 rounded up
    long factorPercent = Math.round(overprovisioningFactor * 100);
    int sum = 0;
    int i = 0;
    for (var entry : healthyByPriority.entrySet()) {
      int healthy = entry.getValue().size();
      int size = healthy + excludedByPriority.get(entry.getKey()).size();
      priorities[i] = entry.getKey();
      sizes[i] = size;
      healthyPercent[i] = (int) (100L * healthy / size);
      health[i] = (int) Math.min(100, healthyPercent[i] * factorPercent / 100);
      sum += health[i];
      i++;
    }
    int normalized = Math.min(100, sum);
    boolean[] panic = new boolean[n];
    boolean totalPanic = n > 0;
    for (i = 0; i < n; i++) {
      panic[i] = normalized < 100 && healthyPercent[i] < panicThreshold;
      totalPanic &= panic[i];
    }
    int[] load;
    if (totalPanic) {
      load = share(sizes);
    } else if (normalized > 0) {
      load = healthLoad(health, normalized);
    } else {
      // no level reaches 1% (a few healthy of hundreds), and no panic: the healthy ones still serve
      int[] healthyCounts = new int[n];
      for (i = 0; i < n; i++) {
        healthyCounts[i] = healthyByPriority.get(priorities[i]).size();
      }
      load = share(healthyCounts);
    }
    List<Level> levels = new ArrayList<>(n);
    for (i = 0; i < n; i++) {
      levels.add(new Level(priorities[i], healthyByPriority.get(priorities[i]), excludedByPriority.get(priorities[i]),
          healthyPercent[i], health[i], load[i], panic[i]));
    }
    return new PriorityLoad(levels, normalized);
  }

  /** Each level in order takes its health (scaled up when they add up to less than 100) of what is left. */
  private static int[] healthLoad(int[] health, int normalized) {
    int[] load = new int[health.length];
    int left = 100;
    int firstHealthy = -1;
    for (int i = 0; i < health.length; i++) {
      load[i] = Math.min(left, health[i] * 100 / normalized);
      left -= load[i];
      if (firstHealthy < 0 && health[i] > 0) {
        firstHealthy = i;
      }
    }
    load[firstHealthy] += left; // rounding: to the first level that has healthy endpoints
    return load;
  }

  /** 100 split in proportion to the sizes, the rounding to the first non-empty level; all 0 when they are. */
  private static int[] share(int[] sizes) {
    long total = 0;
    for (int s : sizes) {
      total += s;
    }
    int[] load = new int[sizes.length];
    if (total == 0) {
      return load;
    }
    int left = 100;
    int first = -1;
    for (int i = 0; i < sizes.length; i++) {
      load[i] = (int) (100L * sizes[i] / total);
      left -= load[i];
      if (first < 0 && sizes[i] > 0) {
        first = i;
      }
    }
    load[first] += left;
    return load;
  }

  /** The priorities present, lowest number (most preferred) first. */
  public List<Level> levels() {
    return levels;
  }

  /** The sum of the levels' health, at most 100: below 100 the priorities together lack capacity. */
  public int normalizedTotalHealth() {
    return normalizedTotalHealth;
  }

  /** True when some traffic goes to a priority in panic, that is to endpoints judged unhealthy. */
  public boolean panic() {
    for (Level l : levels) {
      if (l.panic() && l.load() > 0 && !l.excluded().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("PriorityLoad{");
    for (Level l : levels) {
      s.append("P").append(l.priority()).append(' ').append(l.healthy().size()).append('/').append(l.size())
          .append(" health ").append(l.health()).append(" load ").append(l.load()).append(l.panic() ? " panic" : "")
          .append("; ");
    }
    return s.append("total health ").append(normalizedTotalHealth).append('}').toString();
  }
}
