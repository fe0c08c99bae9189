package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import io.grpc.SynchronizationContext.ScheduledHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscribed resource name: its watchers, its last good value, its missing-resource timer, and
 * the grace timer that keeps it subscribed a while after its last watcher left. Sync-context only.
 */
final class ResourceSubscription {

  final String name;
  final List<WatcherHandle> watchers = new ArrayList<>();
  /** The last valid resource received, or null. */
  Message data;
  /** Reported as not existing (removed, or the missing-resource timer fired) and not received since. */
  boolean doesNotExist;
  ScheduledHandle missingTimer;
  /**
   * The server sent it (valid or not) on the current stream: it exists, so the missing-resource
   * timer must not restart (a NACK is a request too). Cleared when the stream ends, as gRPC restarts
   * the timer only on a new stream.
   */
  boolean answered;
  /** Runs while nobody watches it: the name stays subscribed until it fires (see XdsClient#unsubscribe). */
  ScheduledHandle graceTimer;
  /** The last rejection told to the watchers, so a resent bad version is not told again. */
  String lastRejection;

  ResourceSubscription(String name) {
    this.name = name;
  }

  /** Neither received nor answered on this stream nor known to be missing: a missing-resource timer applies. */
  boolean awaitingFirstAnswer() {
    return data == null && !doesNotExist && !answered;
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

  void cancelGraceTimer() {
    if (graceTimer != null) {
      graceTimer.cancel();
      graceTimer = null;
    }
  }

  List<WatcherHandle> watchersSnapshot() {
    return List.copyOf(watchers);
  }
}
