package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import io.grpc.SynchronizationContext.ScheduledHandle;
import java.util.ArrayList;
import java.util.List;

/** One subscribed resource name: its watchers, its last good value, its missing-resource timer. Sync-context only. */
final class ResourceSubscription {

  final String name;
  final List<WatcherHandle> watchers = new ArrayList<>();
  /** The last valid resource received, or null. */
  Message data;
  /** Reported as not existing (removed, or the missing-resource timer fired) and not received since. */
  boolean doesNotExist;
  ScheduledHandle missingTimer;
  /** The last rejection told to the watchers, so a resent bad version is not told again. */
  String lastRejection;

  ResourceSubscription(String name) {
    this.name = name;
  }

  /** Neither received nor known to be missing: a missing-resource timer applies. */
  boolean awaitingFirstAnswer() {
    return data == null && !doesNotExist;
  }

  XdsClientStatus.ResourceState state() {
    if (doesNotExist) {
      return XdsClientStatus.ResourceState.DOES_NOT_EXIST;
    }
    if (lastRejection != null) {
      return XdsClientStatus.ResourceState.NACKED;
    }
    return data != null ? XdsClientStatus.ResourceState.ACKED : XdsClientStatus.ResourceState.REQUESTED;
  }

  void cancelTimer() {
    if (missingTimer != null) {
      missingTimer.cancel();
      missingTimer = null;
    }
  }

  List<WatcherHandle> watchersSnapshot() {
    return List.copyOf(watchers);
  }
}
