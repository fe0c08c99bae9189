package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records a watcher's calls, and across all recorders how many ran at the same time. */
class RecordingWatcher<T extends Message> implements ResourceWatcher<T> {

  static final AtomicInteger running = new AtomicInteger();
  static final AtomicInteger maxRunning = new AtomicInteger();

  final List<T> resources = new CopyOnWriteArrayList<>();
  final List<String> doesNotExist = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  @Override
  public void onResource(T resource) {
    record(() -> resources.add(resource));
  }

  @Override
  public void onDoesNotExist(String name) {
    record(() -> doesNotExist.add(name));
  }

  @Override
  public void onError(String reason) {
    record(() -> errors.add(reason));
  }

  T last() {
    return resources.isEmpty() ? null : resources.get(resources.size() - 1);
  }

  private static void record(Runnable call) {
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      call.run();
    } finally {
      running.decrementAndGet();
    }
  }
}
