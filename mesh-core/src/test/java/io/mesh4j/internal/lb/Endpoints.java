package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.Picker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Endpoint lists and pick tallies for the policy tests. */
final class Endpoints {

  private Endpoints() {}

  /** An update with these endpoints and default keys, for calling a picker factory directly. */
  static io.mesh4j.lb.LoadBalancerUpdate update(List<Endpoint> endpoints) {
    return update(endpoints, java.util.Map.of());
  }

  /** An update with these endpoints and service keys. */
  static io.mesh4j.lb.LoadBalancerUpdate update(
      List<Endpoint> endpoints, java.util.Map<io.mesh4j.config.ConfigKey<?>, ?> keys) {
    return new io.mesh4j.lb.LoadBalancerUpdate(
        endpoints, io.mesh4j.config.ServiceConfig.of("orders", keys), io.mesh4j.discovery.ServiceAttributes.EMPTY);
  }

  static Endpoint endpoint(int i) {
    return Endpoint.of("10.0.0." + i, 8080);
  }

  static Endpoint endpoint(int i, int weight) {
    return endpoint(i).withWeight(weight);
  }

  /** {@code count} endpoints of weight 1: 10.0.0.1 … */
  static List<Endpoint> endpoints(int count) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(endpoint(i));
    }
    return out;
  }

  /** One endpoint per weight, in order: 10.0.0.1 has weights[0] … */
  static List<Endpoint> weighted(int... weights) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(endpoint(i + 1, weights[i]));
    }
    return out;
  }

  /** How many of {@code picks} empty-request picks (completed at once) went to each endpoint. */
  static Map<Endpoint, Integer> tally(Picker picker, int picks) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      var result = picker.pick(PickRequest.empty());
      result.tracker().onComplete(1_000_000, true);
      counts.merge(result.endpoint(), 1, Integer::sum);
    }
    return counts;
  }

  /** Share of {@code total} held by {@code e}. */
  static double share(Map<Endpoint, Integer> counts, Endpoint e, int total) {
    return counts.getOrDefault(e, 0) / (double) total;
  }

  /** Which endpoint each of the keys {@code key-0 …} maps to. */
  static Map<String, Endpoint> assign(Picker picker, int keys) {
    Map<String, Endpoint> out = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      String key = "key-" + i;
      out.put(key, picker.pick(PickRequest.withHashKey(key)).endpoint());
    }
    return out;
  }
}
