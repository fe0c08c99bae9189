package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code watch} call's watcher: identity for cancel, and a guard so that a cancelled watcher is
 * not called again and a throwing one cannot break the client.
 */
final class WatcherHandle {

  private static final Logger log = LoggerFactory.getLogger(WatcherHandle.class);

  private final XdsResourceType type;
  private final String name;
  private final ResourceWatcher<Message> watcher;
  private volatile boolean cancelled;

  WatcherHandle(XdsResourceType type, String name, ResourceWatcher<Message> watcher) {
    this.type = type;
    this.name = name;
    this.watcher = watcher;
  }

  void cancel() {
    cancelled = true;
  }

  void onResource(Message resource) {
    if (!cancelled) {
      guard(() -> watcher.onResource(resource));
    }
  }

  void onDoesNotExist() {
    if (!cancelled) {
      guard(() -> watcher.onDoesNotExist(name));
    }
  }

  void onError(String reason) {
    if (!cancelled) {
      guard(() -> watcher.onError(reason));
    }
  }

  private void guard(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("xDS watcher of {} {} threw; skipped", type.shortName(), name, e);
    }
  }
}
