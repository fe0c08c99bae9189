package io.mesh4j.xds.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.ConfigOverlay;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class XdsOverlayTest {

  /** A ConfigOverlay whose sets the test completes by hand. */
  static final class HandDrivenOverlay implements ConfigOverlay {
    final List<Map<String, String>> sets = new ArrayList<>();
    final List<CompletableFuture<Void>> results = new ArrayList<>();

    @Override
    public CompletableFuture<Void> set(Map<String, String> properties) {
      sets.add(Map.copyOf(properties));
      CompletableFuture<Void> result = new CompletableFuture<>();
      results.add(result);
      return result;
    }

    @Override
    public String source() {
      return "overlay xds";
    }
  }

  private final HandDrivenOverlay core = new HandDrivenOverlay();
  private final XdsOverlay overlay = new XdsOverlay(core);

  @Test
  void theSameContributionAgainWhileThePreviousSetIsPendingCompletesOnlyWhenApplied() {
    XdsOverlay.Owner owner = new XdsOverlay.Owner("o");
    CompletableFuture<Void> first = overlay.put(owner, Map.of("mesh.services.s.tls.mode", "strict"));
    CompletableFuture<Void> again = overlay.put(owner, Map.of("mesh.services.s.tls.mode", "strict"));

    assertThat(again).isNotDone();
    core.results.get(0).complete(null);
    assertThat(first).isCompleted();
    assertThat(again).isCompleted();
    assertThat(core.sets).hasSize(1);
  }

  @Test
  void aGoodChangeQueuedBehindARejectedOneIsResentWithoutTheCulprit() {
    XdsOverlay.Owner a = new XdsOverlay.Owner("a");
    XdsOverlay.Owner b = new XdsOverlay.Owner("b");
    CompletableFuture<Void> bad = overlay.put(a, Map.of("mesh.services.a.tls.mode", "strict"));
    CompletableFuture<Void> good = overlay.put(b, Map.of("mesh.services.b.lb", "ring-hash"));

    core.results.get(0).completeExceptionally(new RuntimeException("mesh.services.a.tls.mode: rejected"));
    core.results.get(1).completeExceptionally(new RuntimeException("mesh.services.a.tls.mode: rejected"));

    assertThat(bad).isCompletedExceptionally();
    assertThat(core.sets.get(core.sets.size() - 1)).isEqualTo(Map.of("mesh.services.b.lb", "ring-hash"));
    assertThat(good).isNotDone();
    core.results.get(core.results.size() - 1).complete(null);
    assertThat(good).isCompleted();
  }

  @Test
  void theCulpritIsTheOwnerWhoseKeysTheRejectionNames() {
    XdsOverlay.Owner a = new XdsOverlay.Owner("a");
    XdsOverlay.Owner b = new XdsOverlay.Owner("b");
    overlay.put(a, Map.of("mesh.services.a.lb", "random"));
    core.results.get(0).complete(null);
    CompletableFuture<Void> bad = overlay.put(a, Map.of("mesh.services.a.lb", "nonsense"));
    CompletableFuture<Void> good = overlay.put(b, Map.of("mesh.services.b.lb", "ring-hash"));

    // the second set (put by b) is rejected for a's key
    core.results.get(1).completeExceptionally(new RuntimeException("mesh.services.a.lb: unknown balancer"));
    core.results.get(2).completeExceptionally(new RuntimeException("mesh.services.a.lb: unknown balancer"));

    assertThat(bad).isCompletedExceptionally();
    assertThat(core.sets.get(core.sets.size() - 1))
        .isEqualTo(Map.of("mesh.services.a.lb", "random", "mesh.services.b.lb", "ring-hash"));
    core.results.get(core.results.size() - 1).complete(null);
    assertThat(good).isCompleted();
  }

  @Test
  void aNewerOwnersKeysWinAndSurviveTheOlderOwnersWithdrawal() {
    XdsOverlay.Owner old = new XdsOverlay.Owner("cluster-keys:payments");
    XdsOverlay.Owner resubscribed = new XdsOverlay.Owner("cluster-keys:payments");
    overlay.put(old, Map.of("mesh.services.payments.lb", "random"));
    overlay.put(resubscribed, Map.of("mesh.services.payments.lb", "least-request"));
    assertThat(core.sets.get(1)).containsEntry("mesh.services.payments.lb", "least-request");

    overlay.put(old, Map.of());

    assertThat(core.sets.get(core.sets.size() - 1)).isEqualTo(Map.of("mesh.services.payments.lb", "least-request"));
  }
}
