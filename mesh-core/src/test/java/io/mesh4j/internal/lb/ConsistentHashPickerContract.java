package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.assign;
import static io.mesh4j.internal.lb.Endpoints.endpoints;
import static io.mesh4j.internal.lb.Endpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.Picker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What ring-hash and maglev both promise. Hashing is deterministic, so these cannot flake. */
abstract class ConsistentHashPickerContract {

  static final int KEYS = 10_000;

  abstract Picker newPicker(List<Endpoint> endpoints);

  @Test
  void sameKeyAlwaysMapsToTheSameEndpoint() {
    Picker picker = newPicker(endpoints(5));
    Picker rebuilt = newPicker(endpoints(5));

    for (int i = 0; i < 100; i++) {
      PickRequest request = PickRequest.withHashKey("user-" + i);
      Endpoint first = picker.pick(request).endpoint();
      assertThat(picker.pick(request).endpoint()).isEqualTo(first);
      assertThat(rebuilt.pick(request).endpoint()).isEqualTo(first);
    }
  }

  @Test
  void keysSpreadRoughlyEvenlyOverEqualEndpoints() {
    List<Endpoint> ten = endpoints(10);

    Map<Endpoint, Integer> perEndpoint = countByEndpoint(assign(newPicker(ten), KEYS));

    assertThat(perEndpoint).containsOnlyKeys(ten);
    for (int count : perEndpoint.values()) {
      assertThat(count / (double) KEYS).isCloseTo(0.1, within(0.04));
    }
  }

  @Test
  void keysSpreadInProportionToWeight() {
    List<Endpoint> endpoints = weighted(1, 2, 3);

    Map<Endpoint, Integer> perEndpoint = countByEndpoint(assign(newPicker(endpoints), KEYS));

    assertThat(perEndpoint.get(endpoints.get(0)) / (double) KEYS).isCloseTo(1 / 6.0, within(0.04));
    assertThat(perEndpoint.get(endpoints.get(1)) / (double) KEYS).isCloseTo(2 / 6.0, within(0.04));
    assertThat(perEndpoint.get(endpoints.get(2)) / (double) KEYS).isCloseTo(3 / 6.0, within(0.04));
  }

  @Test
  void removingOneOfTenEndpointsMovesAboutATenthOfTheKeys() {
    List<Endpoint> ten = endpoints(10);
    Endpoint removed = ten.get(3);
    List<Endpoint> nine = new ArrayList<>(ten);
    nine.remove(removed);

    Map<String, Endpoint> before = assign(newPicker(ten), KEYS);
    Map<String, Endpoint> after = assign(newPicker(nine), KEYS);

    int moved = 0;
    int movedThoughNotOnRemoved = 0;
    int notOnRemoved = 0;
    for (String key : before.keySet()) {
      boolean wasOnRemoved = before.get(key).equals(removed);
      boolean changed = !before.get(key).equals(after.get(key));
      moved += changed ? 1 : 0;
      if (!wasOnRemoved) {
        notOnRemoved++;
        movedThoughNotOnRemoved += changed ? 1 : 0;
      }
    }
    assertThat(moved / (double) KEYS).isLessThanOrEqualTo(1.0 / 10 * 1.5);
    assertThat(movedThoughNotOnRemoved / (double) notOnRemoved)
        .isLessThanOrEqualTo(maxDisruptionOfOtherKeys());
  }

  /** Share of keys not on a removed endpoint that may still move: none on a ring. */
  abstract double maxDisruptionOfOtherKeys();

  @Test
  void requestWithoutAHashKeyGetsARandomEndpoint() {
    List<Endpoint> four = endpoints(4);
    Picker picker = newPicker(four);

    Set<Endpoint> picked = new HashSet<>();
    for (int i = 0; i < 200; i++) { // one endpoint 200 times in a row: 4 × 4^-200
      picked.add(picker.pick(PickRequest.empty()).endpoint());
    }

    assertThat(picked).containsExactlyInAnyOrderElementsOf(four);
  }

  @Test
  void aRetryAvoidingTheKeysEndpointGoesToTheSameOtherEndpointEveryTime() {
    Picker picker = newPicker(endpoints(5));
    for (int i = 0; i < 50; i++) {
      String key = "session-" + i;
      Endpoint home = picker.pick(PickRequest.withHashKey(key)).endpoint();
      PickRequest retry = new PickRequest(key, Set.of(home));

      Endpoint fallback = picker.pick(retry).endpoint();

      assertThat(fallback).isNotEqualTo(home);
      assertThat(picker.pick(retry).endpoint()).isEqualTo(fallback);
    }
  }

  @Test
  void whenEveryEndpointIsAvoidedTheKeysOwnEndpointIsUsed() {
    List<Endpoint> three = endpoints(3);
    Picker picker = newPicker(three);
    Endpoint home = picker.pick(PickRequest.withHashKey("k")).endpoint();

    assertThat(picker.pick(new PickRequest("k", Set.copyOf(three))).endpoint()).isEqualTo(home);
  }

  static Map<Endpoint, Integer> countByEndpoint(Map<String, Endpoint> assignment) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    assignment.values().forEach(e -> counts.merge(e, 1, Integer::sum));
    return counts;
  }
}
