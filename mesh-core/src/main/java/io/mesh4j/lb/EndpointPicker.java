package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Base of every policy's picker: an immutable array of endpoints, a policy-specific choice of an
 * index, and the shared handling of {@link PickRequest#avoid()}. Results are built once per
 * snapshot so that the pick path does not allocate.
 */
public abstract class EndpointPicker implements Picker {

  /** The endpoints, in the order given; a subclass chooses an index into this array. */
  protected final Endpoint[] endpoints;
  private final PickResult[] results;

  /**
   * @param trackers one per endpoint, in the same order, told when an attempt ends; null when the
   *     policy does not track calls
   */
  protected EndpointPicker(List<Endpoint> endpoints, CallTracker[] trackers) {
    this.endpoints = endpoints.toArray(new Endpoint[0]);
    this.results = new PickResult[this.endpoints.length];
    for (int i = 0; i < results.length; i++) {
      results[i] = PickResult.of(this.endpoints[i], trackers == null ? CallTracker.NOOP : trackers[i]);
    }
  }

  /** The policy's choice for this request, ignoring {@code avoid}. */
  protected abstract int choose(PickRequest request);

  /** Called once for the endpoint finally picked, before the result is handed out. */
  protected void onPicked(int index) {}

  @Override
  public final PickResult pick(PickRequest request) {
    int index = choose(request);
    Set<Endpoint> avoid = request.avoid();
    if (!avoid.isEmpty() && avoid.contains(endpoints[index])) {
      index = chooseAvoiding(request, index);
    }
    onPicked(index);
    return results[index];
  }

  /**
   * The policy's first choice is to be avoided: pick another endpoint that is not, or keep the first
   * choice when every endpoint is avoided. The default spreads retries uniformly over the others, so
   * that one failing endpoint's retries do not all land on its neighbour.
   */
  protected int chooseAvoiding(PickRequest request, int firstChoice) {
    Set<Endpoint> avoid = request.avoid();
    int allowed = countNotIn(avoid);
    if (allowed == 0) {
      return firstChoice;
    }
    int skip = allowed == 1 ? 0 : ThreadLocalRandom.current().nextInt(allowed);
    for (int i = 0; i < endpoints.length; i++) {
      if (!avoid.contains(endpoints[i]) && skip-- == 0) {
        return i;
      }
    }
    return firstChoice; // unreachable: allowed > skip
  }

  protected final int countNotIn(Set<Endpoint> avoid) {
    int allowed = 0;
    for (Endpoint e : endpoints) {
      if (!avoid.contains(e)) {
        allowed++;
      }
    }
    return allowed;
  }
}
