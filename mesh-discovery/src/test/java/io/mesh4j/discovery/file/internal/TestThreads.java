package io.mesh4j.discovery.file.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named like the mesh's ({@code mesh4j-<purpose>-N}), so that LeakCheck sees them. */
final class TestThreads implements ThreadFactory {

  private final String purpose;
  private final AtomicInteger count = new AtomicInteger();

  TestThreads(String purpose) {
    this.purpose = purpose;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, "mesh4j-" + purpose + "-" + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}
