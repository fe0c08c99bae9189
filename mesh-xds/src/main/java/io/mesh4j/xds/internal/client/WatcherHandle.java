package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code watch} call's watcher: identity for cancel, and a guard so that a cancelled watcher, or
 * any watcher once the client is closed (also from another watcher's callback), is not called again,
 * and a throwing one cannot break the client.
 */
final class WatcherHandle {

  private static final Logger log = LoggerFactory.getLogger(WatcherHandle.class);

  private final XdsResourceType type;
  private final String name;
  private final ResourceWatcher<Message> watcher;
  private final BooleanSupplier clientClosed;
  private volatile boolean cancelled;

  WatcherHandle(XdsResourceType type, String name, ResourceWatcher<Message> watcher, BooleanSupplier clientClosed) {
    this.type = type;
    this.name = name;
    this.watcher = watcher;
    this.clientClosed = clientClosed;
  }

  void cancel() {
    cancelled = true;
  }

  void onResource(Message resource) {
    if (live()) {
      guard(() -> watcher.onResource(resource));
    }
  }

  void onDoesNotExist() {
    if (live()) {
      guard(() -> watcher.onDoesNotExist(name));
    }
  }

  void onError(String reason) {
    if (live()) {
      guard(() -> watcher.onError(reason));
    }
  }

  private boolean live() {
    return !cancelled && !clientClosed.getAsBoolean();
  }

  private void guard(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("xDS watcher of {} {} threw; skipped", type.shortName(), name, e);
    }
  }
}
