package io.mesh4j.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.Picker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupPickerTest {

  private final Endpoint a1 = Endpoints.endpoint(1);
  private final Endpoint a2 = Endpoints.endpoint(2);
  private final Endpoint b1 = Endpoints.endpoint(3);
  private final Endpoint c1 = Endpoints.endpoint(4);
  /** Was in group a, now left out (ejected): only the excluded map knows its group. */
  private final Endpoint ejected = Endpoints.endpoint(5);
  private final List<List<Endpoint>> groups = List.of(List.of(a1, a2), List.of(b1), List.of(c1));

  private GroupPicker picker(int... shares) {
    return picker(GroupPicker.RetryRule.SAME_GROUP_FIRST, shares);
  }

  private GroupPicker picker(GroupPicker.RetryRule rule, int... shares) {
    Picker[] pickers = new Picker[groups.size()];
    int[] sizes = new int[groups.size()];
    Map<Endpoint, Integer> groupOf = new HashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      pickers[g] = new RoundRobinPicker(groups.get(g));
      sizes[g] = groups.get(g).size();
      for (Endpoint e : groups.get(g)) {
        groupOf.put(e, g);
      }
    }
    return new GroupPicker(pickers, shares, sizes, groupOf, 0, rule, Map.of(ejected, 0));
  }

  @Test
  void drawsGroupsInProportionToTheirShares() {
    Map<Endpoint, Integer> counts = Endpoints.tally(picker(7_000, 3_000, 0), 20_000);

    double a = Endpoints.share(counts, a1, 20_000) + Endpoints.share(counts, a2, 20_000);
    assertThat(a).isBetween(0.66, 0.74);
    assertThat(Endpoints.share(counts, b1, 20_000)).isBetween(0.26, 0.34);
    assertThat(counts).doesNotContainKey(c1);
  }

  @Test
  void aRetryStaysInItsGroupWhileItHasAnUntriedEndpoint() {
    GroupPicker picker = picker(10_000, 0, 0);

    for (int i = 0; i < 100; i++) {
      assertThat(picker.pick(new PickRequest(null, Set.of(a1))).endpoint()).isEqualTo(a2);
    }
  }

  @Test
  void aRetryThatTriedItsWholeGroupGoesToThePreferredThenTheNextGroupInOrder() {
    GroupPicker picker = picker(0, 5_000, 5_000);

    for (int i = 0; i < 100; i++) {
      // drawn b or c, both tried: the preferred group a has untried endpoints
      assertThat(picker.pick(new PickRequest(null, Set.of(b1, c1))).endpoint()).isIn(a1, a2);
      // a and b tried: c is the only group left with one
      assertThat(picker.pick(new PickRequest(null, Set.of(a1, a2, b1))).endpoint()).isEqualTo(c1);
    }
  }

  @Test
  void withUntriedGroupFirstARetryGoesToAGroupItHasNotTriedThoughItsOwnHasAnUntriedEndpoint() {
    GroupPicker picker = picker(GroupPicker.RetryRule.UNTRIED_GROUP_FIRST, 10_000, 0, 0);
    Map<Endpoint, Integer> afterA = new HashMap<>();

    for (int i = 0; i < 400; i++) {
      // a (all the traffic) tried once: a2 is untried, but b and c were not tried at all
      afterA.merge(picker.pick(new PickRequest(null, Set.of(a1))).endpoint(), 1, Integer::sum);
      assertThat(picker.pick(new PickRequest(null, Set.of(a1, b1))).endpoint()).isEqualTo(c1);
      // every group tried: back to the drawn group's untried endpoint
      assertThat(picker.pick(new PickRequest(null, Set.of(a1, b1, c1))).endpoint()).isEqualTo(a2);
    }
    // retries spread over the untried groups by size (b and c: one endpoint each)
    assertThat(afterA.keySet()).containsExactlyInAnyOrder(b1, c1);
    assertThat(afterA.get(b1)).isBetween(120, 280);
  }

  @Test
  void withUntriedGroupFirstAnEndpointEjectedSinceTheFirstAttemptStillCountsItsGroupAsTried() {
    GroupPicker picker = picker(GroupPicker.RetryRule.UNTRIED_GROUP_FIRST, 10_000, 0, 0);

    for (int i = 0; i < 100; i++) {
      assertThat(picker.pick(new PickRequest(null, Set.of(ejected))).endpoint()).isIn(b1, c1);
    }
  }

  @Test
  void withUntriedGroupFirstARetryFromAnotherGroupGoesToThePreferredOneFirst() {
    GroupPicker picker = picker(GroupPicker.RetryRule.UNTRIED_GROUP_FIRST, 0, 10_000, 0);

    for (int i = 0; i < 100; i++) {
      assertThat(picker.pick(new PickRequest(null, Set.of(b1))).endpoint()).isIn(a1, a2);
    }
  }

  @Test
  void aRetryThatTriedEverythingFallsBackInsideItsDrawnGroup() {
    GroupPicker picker = picker(0, 10_000, 0);

    assertThat(picker.pick(new PickRequest(null, Set.of(a1, a2, b1, c1))).endpoint()).isEqualTo(b1);
  }

  @Test
  void theSameHashKeyAlwaysDrawsTheSameGroup() {
    GroupPicker picker = picker(5_000, 5_000, 0);
    Map<String, Boolean> inA = new HashMap<>();

    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 200; i++) {
        Endpoint e = picker.pick(PickRequest.withHashKey("user-" + i)).endpoint();
        Boolean before = inA.put("user-" + i, e.equals(a1) || e.equals(a2));
        assertThat(before == null || before == inA.get("user-" + i)).as("user-%d moved", i).isTrue();
      }
    }
    assertThat(inA.values()).contains(true, false);
  }

  @Test
  void sharesMustAddUpToTheWhole() {
    assertThatThrownBy(() -> picker(5_000, 4_000, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
