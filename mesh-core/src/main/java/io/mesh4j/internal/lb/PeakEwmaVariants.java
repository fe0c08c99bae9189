package io.mesh4j.internal.lb;

import io.mesh4j.lb.LoadBalancerProvider;

/**
 * For mesh-benchmarks' tuning tools (not used by the mesh): {@code peak-ewma} with other fixed
 * constants than its own, under another name, so that the tuning harness and simulation compare
 * them side by side in one run. Here rather than in mesh-benchmarks because the constants are
 * package-private, and a package must not be split across modules. (The decay and default RTT are
 * the service's keys and need no variant.)
 */
public final class PeakEwmaVariants {

  private PeakEwmaVariants() {}

  /**
   * @param lowerSampleWeight how far one lower sample moves the estimate (mesh-core: 1/8)
   * @param failureFactor a failure is a peak of at least this times the last estimate (mesh-core: 2)
   */
  public static LoadBalancerProvider of(String name, double lowerSampleWeight, double failureFactor) {
    return new PeakEwmaProvider(
        name, t -> t.withLowerSampleWeight(lowerSampleWeight).withFailureFactor(failureFactor));
  }
}
