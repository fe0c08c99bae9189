package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.lb.WeightedSampler;
import java.util.List;

/**
 * "Power of two choices": draw two distinct endpoints (weighted) and keep the less loaded one.
 * Nearly as good as scanning for the least loaded endpoint, O(1), and it does not stampede the
 * single least loaded endpoint when many clients share stale load views.
 */
public abstract class PowerOfTwoChoicesPicker<L extends OutstandingRequests> extends EndpointPicker {

  /** Per-endpoint load, in the order of {@link #endpoints}. */
  protected final L[] loads;

  /**
   * Per-endpoint weight, in the order of {@link #endpoints}: the update's ({@link
   * LoadBalancerUpdate#weight}), which slow start lowers while an endpoint ramps up.
   */
  protected final int[] weights;

  private final WeightedSampler sampler;

  /** Weighted by the endpoints' own weights. */
  protected PowerOfTwoChoicesPicker(List<Endpoint> endpoints, L[] loads) {
    this(endpoints, ownWeights(endpoints), loads);
  }

  /** Weighted as {@code update} says ({@link LoadBalancerUpdate#weight}): what slow start needs. */
  protected PowerOfTwoChoicesPicker(List<Endpoint> endpoints, LoadBalancerUpdate update, L[] loads) {
    this(endpoints, update.weightsOf(endpoints), loads);
  }

  private PowerOfTwoChoicesPicker(List<Endpoint> endpoints, int[] weights, L[] loads) {
    super(endpoints, loads);
    this.loads = loads;
    this.weights = weights;
    this.sampler = WeightedSampler.of(weights);
  }

  private static int[] ownWeights(List<Endpoint> endpoints) {
    int[] out = new int[endpoints.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = endpoints.get(i).weight();
    }
    return out;
  }

  @Override
  protected final int choose(PickRequest request) {
    int first = sampler.sample();
    int second = sampler.sampleOtherThan(first);
    // on a tie the first, itself a weighted draw, wins: idle endpoints share traffic by weight
    return second != first && prefersSecond(first, second) ? second : first;
  }

  /** True when {@code second} is strictly less loaded than {@code first}, per unit of weight. */
  protected abstract boolean prefersSecond(int first, int second);

  @Override
  protected final void onPicked(int index) {
    loads[index].started();
  }
}
