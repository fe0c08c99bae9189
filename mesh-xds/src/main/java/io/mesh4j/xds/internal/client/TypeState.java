package io.mesh4j.xds.internal.client;

import io.grpc.SynchronizationContext.ScheduledHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the client tracks for one resource type: subscriptions, ACKed version, nonce, NACK state. Sync-context only. */
final class TypeState {

  final XdsResourceType type;
  final Map<String, ResourceSubscription> subscriptions = new TreeMap<>();
  final NackDamper damper;
  /** The last ACKed version_info; kept across streams. */
  String ackedVersion = "";
  /** The nonce of the last response on the current stream; "" on a new stream. */
  String nonce = "";
  Optional<XdsClientStatus.Nack> lastNack = Optional.empty();
  /** A damped NACK waiting for its turn. */
  ScheduledHandle pendingNack;
  /** A request of this type was sent on the current stream (so the server knows the type). */
  boolean requestedOnStream;

  TypeState(XdsResourceType type, NackDamper damper) {
    this.type = type;
    this.damper = damper;
  }

  List<String> names() {
    return List.copyOf(subscriptions.keySet());
  }

  void cancelPendingNack() {
    if (pendingNack != null) {
      pendingNack.cancel();
      pendingNack = null;
    }
  }

  /** Stream gone: nonce, timers, answers and NACK damping belong to it. */
  void onStreamEnded() {
    nonce = "";
    requestedOnStream = false;
    cancelPendingNack();
    damper.reset(); // a new stream gets a new server-side watch: its first NACK is not a storm
    for (ResourceSubscription subscription : subscriptions.values()) {
      subscription.cancelTimer();
      subscription.answered = false;
    }
  }

  /** Client closed: every timer of the type, the grace timers included. */
  void cancelAllTimers() {
    onStreamEnded();
    for (ResourceSubscription subscription : subscriptions.values()) {
      subscription.cancelGraceTimer();
    }
  }

  XdsClientStatus.TypeStatus status() {
    Map<String, XdsClientStatus.ResourceState> resources = new TreeMap<>();
    subscriptions.forEach((name, subscription) -> resources.put(name, subscription.state()));
    return new XdsClientStatus.TypeStatus(ackedVersion, nonce, lastNack, names(), resources);
  }
}
